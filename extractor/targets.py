"""Targets: the (intervention, comparator, outcome) a targeted form is filled for.

One type, read from a JSONL file by `extract`, `update` and `status`, and stored in one
shape (`Target.as_dict()`: the three texts; the ids travel beside it).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from schemas.errors import InputError

TARGET_TEXTS = ("intervention", "comparator", "outcome")


class Target(BaseModel):
    """One (intervention, comparator, outcome) a targeted form is filled for."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    paper_id: str
    target_id: str
    intervention: str
    comparator: str
    outcome: str

    @field_validator("paper_id", "target_id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    def as_dict(self) -> dict[str, str]:
        """The stored shape (records.jsonl and the review store alike), and what the key's
        target hash covers: the three texts; the ids travel beside it."""
        return {name: getattr(self, name) for name in TARGET_TEXTS}


def stored_target(stored: Mapping[str, Any] | None) -> dict[str, str] | None:
    """A stored target in the one shape; stores written before it kept the ids inside."""
    if not stored:
        return None
    return {name: str(stored[name]) for name in TARGET_TEXTS if name in stored}


def load_targets(path: Path) -> dict[str, list[Target]]:
    """Targets per paper_id from a JSONL file; a bad line is an `InputError` naming it."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read targets: {exc.strerror or exc}") from None
    out: dict[str, list[Target]] = {}
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            target = Target.model_validate_json(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            reason = "not valid JSON" if first["type"] == "json_invalid" else first["msg"]
            raise InputError(
                path, f"line {number}: {where + ': ' if where else ''}{reason}"
            ) from None
        key = (target.paper_id, target.target_id)
        if key in seen:
            raise InputError(path, f"line {number}: duplicate target_id {target.target_id!r}")
        seen.add(key)
        out.setdefault(target.paper_id, []).append(target)
    if not out:
        raise InputError(path, "no targets in the file")
    return out
