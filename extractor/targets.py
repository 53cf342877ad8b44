"""Targets: the (intervention, comparator, outcome) a targeted form is filled for.

One type, read from a JSONL file by `extract`, `update` and `status`, and stored in one
shape (`Target.as_dict()`: the three texts; the ids travel beside it).

The file (TARGETS_FORMAT, shown by `extract --help` and the README): UTF-8 (a BOM, as
Excel writes, is accepted), one JSON object per line with `paper_id` (the PDF's file
name without .pdf), `target_id` (text or a number, unique per paper), and non-empty
`intervention`, `comparator` and `outcome`; other keys are ignored. The three texts may
also sit in a nested `"target"` object, the shape `python -m eval.yun2024 gold` writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from schemas.errors import InputError

TARGETS_FORMAT = (
    'one JSON object per line: {"paper_id": "PMC123", "target_id": "1", '
    '"intervention": "aspirin", "comparator": "placebo", "outcome": "death"}'
)
TARGET_TEXTS = ("intervention", "comparator", "outcome")


class Target(BaseModel):
    """One (intervention, comparator, outcome) a targeted form is filled for."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    paper_id: str
    target_id: str
    intervention: str
    comparator: str
    outcome: str

    @model_validator(mode="before")
    @classmethod
    def _nested_target(cls, data: Any) -> Any:
        # Gold lines carry the texts in "target": {...}; top-level keys win.
        if isinstance(data, dict) and isinstance(data.get("target"), dict):
            return {**{k: v for k, v in data["target"].items() if k in TARGET_TEXTS}, **data}
        return data

    @field_validator("paper_id", "target_id", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("paper_id", "target_id", *TARGET_TEXTS)
    @classmethod
    def _not_empty(cls, value: str) -> str:
        # An empty text would ask the model about nothing and still make a record.
        if not value:
            raise ValueError("must not be empty")
        return value

    def as_dict(self) -> dict[str, str]:
        """The stored shape (records.jsonl and the review store alike), and what the key's
        target hash covers: the three texts; the ids travel beside it."""
        return {name: getattr(self, name) for name in TARGET_TEXTS}


def stored_target(stored: Mapping[str, Any] | None) -> dict[str, str] | None:
    """A stored target in the one shape; stores written before it kept the ids inside."""
    if not stored:
        return None
    return {name: str(stored[name]) for name in TARGET_TEXTS if name in stored}


def load_targets(path: Path, problems: list[str] | None = None) -> dict[str, list[Target]]:
    """Targets per paper_id from a JSONL file.

    A bad line is an `InputError` naming the file and the line; given a `problems` list,
    each bad line is appended there instead (one line each) and the others are read.
    A file with no usable target is always an error.
    """
    path = Path(path)
    try:
        # utf-8-sig: the BOM Excel writes is not part of the first line's JSON.
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(path, f"cannot read targets: {reason}") from None
    out: dict[str, list[Target]] = {}
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            target = _parse_line(path, number, line, seen)
        except InputError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
            continue
        seen.add((target.paper_id, target.target_id))
        out.setdefault(target.paper_id, []).append(target)
    if not out and problems:
        first = problems[0].removeprefix(f"{path}: ")
        raise InputError(path, f"no usable targets: {len(problems)} bad line(s), first {first}")
    if not out:
        raise InputError(path, f"no targets in the file ({TARGETS_FORMAT})")
    return out


def _parse_line(path: Path, number: int, line: str, seen: set[tuple[str, str]]) -> Target:
    try:
        target = Target.model_validate_json(line)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        reason = "not valid JSON" if first["type"] == "json_invalid" else first["msg"]
        reason = reason.removeprefix("Value error, ")
        raise InputError(path, f"line {number}: {where + ': ' if where else ''}{reason}") from None
    if (target.paper_id, target.target_id) in seen:
        raise InputError(path, f"line {number}: duplicate target_id {target.target_id!r}")
    return target
