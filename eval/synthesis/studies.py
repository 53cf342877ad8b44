"""Read the studies a synthesis works on: a review (corrections applied), records.jsonl or gold.

A `Study` is one record (one paper, or one target of a targeted form) with typed values,
and, per field, the triage the checks gave it and whether its quote was found in the
paper. Triage is taken as given (`Extracted.triage`); a field a human corrected counts as
`verified`, since a person has looked at it. Gold and plain values (gold-style lines or
CSV, no `Extracted` wrapper) carry no triage: nothing checked them, so nothing is shown
as "to check" either, and a warning says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.gold import Role, load_records
from extractor.review.reader import review_form, review_records
from schemas.derive import Derivation
from schemas.errors import InputError
from schemas.extracted import Triage
from schemas.form import Form
from schemas.kinds import coerce_value
from schemas.values import Unparsed, ValueProblem

VERIFIED = Triage.verified.value
CHECK = Triage.check.value


@dataclass
class Study:
    paper_id: str
    target_id: str | None
    target: dict[str, str]
    values: dict[str, Any]
    triage: dict[str, str] = field(default_factory=dict)  # empty: no triage (gold, plain)
    grounded: dict[str, bool] = field(default_factory=dict)
    quotes: dict[str, str] = field(default_factory=dict)  # field -> its evidence quote(s)
    study_id: str | None = None  # the trial it reports (registration or user-given id)
    derivations: dict[str, Derivation] = field(default_factory=dict)  # role -> how derived
    grouping: str = ""  # arms combined or split, or trial reports grouped: what was done
    members: list[str] = field(default_factory=list)  # the targets a combined study stands for

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.paper_id, self.target_id)

    @property
    def label(self) -> str:
        return self.paper_id if self.target_id is None else f"{self.paper_id} #{self.target_id}"

    def is_verified(self, fields: list[str]) -> bool:
        """Every named field is `verified` (gold, without triage, always is)."""
        if not self.triage:
            return True
        return all(self.triage.get(f) == VERIFIED for f in fields)

    def unchecked(self, fields: list[str]) -> list[str]:
        """The named fields a reader should not take on trust: triage `check` or no quote found."""
        if not self.triage:
            return []
        out = []
        for name in fields:
            if self.values.get(name) is None:
                continue
            if self.triage.get(name) == CHECK or not self.grounded.get(name, False):
                out.append(name)
        return out


@dataclass
class StudySet:
    source: Path
    form: Form
    studies: list[Study]
    warnings: list[str] = field(default_factory=list)


def read_studies(path: Path, form: Form | None = None, *, role: Role = "predictions") -> StudySet:
    """A review folder or a JSONL/CSV records file; `form` is required for files."""
    path = Path(path)
    if path.is_dir():
        return read_review(path, form)
    if form is None:
        raise InputError(path, "a records file needs --form (a review folder names its own)")
    return read_records_file(path, form, role=role)


def fill_labels(studies: list[Study], labelled: list[Study]) -> None:
    """Give studies without intervention/comparator/outcome labels those of the same target."""
    labels = {s.key: s.target for s in labelled if s.target}
    for study in studies:
        if not study.target and study.key in labels:
            study.target = dict(labels[study.key])


def read_records_file(path: Path, form: Form, *, role: Role = "predictions") -> StudySet:
    loaded = load_records(path, list(form.fields), role=role, targeted=form.targeted)
    triage = _triage_by_key(path) if loaded.fmt == "records.jsonl" else {}
    studies = []
    for key, entry in loaded.entries.items():
        values = {k: (None if isinstance(v, Unparsed) else v) for k, v in entry.values.items()}
        grounded = {n: any(e.grounded for e in ev) for n, ev in entry.evidence.items()}
        quotes = {n: " … ".join(e.quote for e in ev if e.quote) for n, ev in entry.evidence.items()}
        studies.append(
            Study(
                entry.paper_id,
                entry.target_id,
                dict(entry.target or {}),
                values,
                triage.get(key, {}),
                grounded,
                {n: q for n, q in quotes.items() if q},
            )
        )
    warnings = list(loaded.warnings)
    if role == "predictions" and studies and not any(s.triage for s in studies):
        # Gold, or a sheet of plain values: no check ran, so none is "to check" either;
        # said once here rather than drawn orange on every study.
        warnings.append(
            f"{path}: these records carry no triage (no checks ran): no value is marked "
            "'to check', and the verified-only sensitivity analysis is the full analysis"
        )
    return StudySet(path, form, studies, warnings)


def _triage_by_key(path: Path) -> dict[tuple[str, str | None], dict[str, str]]:
    # eval.gold types the values; only the triage, which it does not keep, is read here.
    out: dict[tuple[str, str | None], dict[str, str]] = {}
    for raw in path.read_text(encoding="utf-8-sig").splitlines():
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("record"), dict):
            continue
        target = obj.get("target_id")
        key = (str(obj.get("paper_id")), None if target is None else str(target))
        out[key] = {
            name: str(cell.get("triage", CHECK))
            for name, cell in obj["record"].items()
            if isinstance(cell, dict)
        }
    return out


def read_review(root: Path, form: Form | None = None) -> StudySet:
    """The current records of a review's active papers, with every human correction applied."""
    form = form or review_form(root)
    specs = {s.name: s for s in form.fields}
    studies: list[Study] = []
    warnings: list[str] = []
    for rec in review_records(root):
        values: dict[str, Any] = {}
        triage: dict[str, str] = {}
        grounded: dict[str, bool] = {}
        for name, cell in rec.record.items():
            spec = specs.get(name)
            if spec is None:
                continue
            try:
                values[name] = coerce_value(spec, cell.value)
            except ValueProblem as exc:
                values[name] = None
                warnings.append(f"{rec.paper_id} {rec.target_id or ''} field {name!r}: {exc}")
            # A correction is a person's value: it needs no further check.
            corrected = name in rec.corrected
            triage[name] = VERIFIED if corrected else cell.triage.value
            grounded[name] = corrected or cell.grounded
        target = {k: str(v) for k, v in (rec.target or {}).items()}
        studies.append(Study(rec.paper_id, rec.target_id, target, values, triage, grounded))
    return StudySet(root / "review.sqlite", form, studies, warnings)
