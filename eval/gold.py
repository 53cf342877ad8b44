"""Load gold and predicted records (JSONL or CSV) into typed values, keyed by (paper, target).

Gold is strict: every problem (unknown field, wrong type, duplicate id) is
collected with its line and field, and the file is refused with all of them.
Predictions are lenient: a malformed line is skipped and a value of the wrong
type is kept as `Unparsed` text (it can only be wrong), each with a warning,
so one bad record never hides the others.

Accepted lines: `{"paper_id", ["target_id"], "record": {field: value}}`, or a
`RecordLine` from `extract` (values wrapped in `Extracted`, with evidence).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from extractor.review.reader import review_records
from extractor.spreadsheet import unguard_formula
from schemas.errors import InputError
from schemas.extracted import Evidence
from schemas.form import FieldSpec
from schemas.kinds import coerce_value
from schemas.record import RecordLine
from schemas.values import NumericText, Unparsed, ValueProblem

Role = Literal["gold", "predictions"]
RecordKey = tuple[str, str | None]


class GoldFileError(InputError):
    """A gold file with problems; `problems` holds one line per problem."""

    def __init__(self, path: object, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(path, problems[0] + more)


@dataclass
class RecordEntry:
    paper_id: str
    target_id: str | None
    line: int
    values: dict[str, Any]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    # Only fields whose line carries a triage (records.jsonl from the checks on): the
    # audit splits accuracy by it and never invents one for plain or older records.
    triage: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    target: dict[str, str] | None = None

    @property
    def key(self) -> RecordKey:
        return (self.paper_id, self.target_id)


@dataclass
class LoadedRecords:
    path: Path
    role: Role
    entries: dict[RecordKey, RecordEntry]
    warnings: list[str]
    fmt: str


def load_records(
    path: str | Path,
    fields: list[FieldSpec],
    *,
    role: Role,
    targeted: bool,
    numeric_text: NumericText = "parse",
    form_name: str | None = None,
) -> LoadedRecords:
    """Records from a JSONL or CSV file, or the current records of a review folder."""
    path = Path(path)
    loader = _Loader(path, {s.name: s for s in fields}, role, targeted, numeric_text)
    if path.is_dir():
        if not (path / "review.sqlite").is_file():
            raise InputError(path, "a folder, but not a review (no review.sqlite): give a file")
        loader.read_review()
        fmt = "review"
    elif not path.is_file():
        raise InputError(path, "file not found")
    elif path.suffix.lower() == ".csv":
        loader.read_csv()
        fmt = "csv"
    else:
        loader.read_jsonl()
        fmt = "records.jsonl" if loader.saw_record_lines else "jsonl"
    if loader.problems and not loader.entries and loader.lines > 1:
        # Not one record fits: the form is wrong far more often than every line is.
        raise InputError(path, loader.nothing_fits(form_name))
    if loader.problems and not loader.entries and role == "predictions":
        raise InputError(path, collapse(loader.problems)[0])
    if role == "gold" and loader.problems:
        raise GoldFileError(path, collapse(loader.problems))
    if not loader.entries:
        raise InputError(path, f"no {role} records in the {'review' if path.is_dir() else 'file'}")
    warnings = collapse(loader.problems) + loader.warnings
    return LoadedRecords(path, role, loader.entries, warnings, fmt)


_LINE = re.compile(r"^line (\d+): ")


def _by_message(problems: list[str]) -> dict[str, list[str]]:
    """Problems grouped by their message, each with the line numbers it occurs on."""
    lines: dict[str, list[str]] = {}
    for problem in problems:
        found = _LINE.match(problem)
        message = problem[found.end() :] if found else problem
        lines.setdefault(message, []).append(found.group(1) if found else "")
    return lines


def collapse(problems: list[str]) -> list[str]:
    """One line per kind of problem, with the lines it occurs on: a systematic mistake
    (a column the form lacks) is one message, not one per line."""
    out = []
    for message, where in _by_message(problems).items():
        numbers = [n for n in where if n]
        if not numbers:
            out.append(message)
            continue
        more = f" and {len(numbers) - 3} more" if len(numbers) > 3 else ""
        shown = ", ".join(numbers[:3]) + more
        out.append(f"line{'s' if len(numbers) > 1 else ''} {shown}: {message}")
    return out


class _Loader:
    def __init__(
        self,
        path: Path,
        specs: dict[str, FieldSpec],
        role: Role,
        targeted: bool,
        numeric_text: NumericText,
    ) -> None:
        self.path = path
        self.specs = specs
        self.role = role
        self.targeted = targeted
        self.numeric_text = numeric_text
        self.entries: dict[RecordKey, RecordEntry] = {}
        self.problems: list[str] = []  # gold: fatal; predictions: the record is skipped
        self.warnings: list[str] = []
        self.saw_record_lines = False
        self.lines = 0  # records read (lines or rows), fitting or not
        self.made_with: dict[str, int] = {}  # records.jsonl: the form named in provenance

    def nothing_fits(self, form_name: str | None) -> str:
        """One line for a file none of whose records fits the form."""
        form = f"form {form_name}" if form_name else "the form"
        message, where = next(iter(_by_message(self.problems).items()))
        said = f"no record fits {form}: {message} (on {len(where)} of {self.lines} records)"
        others = [name for name in self.made_with if name != form_name]
        if others:
            return f"{said}; its records were made with form {others[0]}: is --form right?"
        return f"{said}; is --form right?"

    def read_review(self) -> None:
        for number, rec in enumerate(review_records(self.path), start=1):
            self.lines += 1
            line = rec.as_line()
            if line is None:  # only human values: a plain record
                values = {name: cell.value for name, cell in rec.record.items()}
                plain = {"paper_id": rec.paper_id, "target_id": rec.target_id}
                self.add_plain(number, {**plain, "target": rec.target, "record": values})
            else:
                self.add_record_line(number, line.model_dump(mode="json"))

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"line {line}: {message}")

    def read_jsonl(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(self.path, "not UTF-8 text") from None
        for number, raw in enumerate(text.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                self.problem(number, f"not valid JSON ({exc.msg})")
                continue
            self.lines += 1
            if not isinstance(obj, dict):
                self.problem(number, "expected a JSON object")
                continue
            if "provenance" in obj:
                made = (
                    obj["provenance"].get("form") if isinstance(obj["provenance"], dict) else None
                )
                if isinstance(made, str):
                    self.made_with[made] = self.made_with.get(made, 0) + 1
                self.saw_record_lines = True
                self.add_record_line(number, obj)
            else:
                self.add_plain(number, obj)

    def read_csv(self) -> None:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if "paper_id" not in columns:
                raise InputError(self.path, "line 1: no paper_id column")
            for column in columns:
                if column in ("paper_id", "target_id"):
                    continue
                spec = self.specs.get(column)
                if spec is None:
                    self.problem(1, f"column {column!r}: {self.unknown_field_text(column)}")
                elif spec.kind.has_parts:
                    self.problem(1, f"column {column!r}: objects need JSONL, not CSV")
            if self.problems and self.role == "gold":
                return
            for number, cells in enumerate(reader, start=2):
                self.lines += 1
                # Sheets litextract writes guard formula-like text with an apostrophe.
                row = {k: unguard_formula(v) if isinstance(v, str) else v for k, v in cells.items()}
                record = {k: v for k, v in row.items() if k not in ("paper_id", "target_id")}
                obj = {"paper_id": row.get("paper_id"), "record": record}
                if row.get("target_id"):
                    obj["target_id"] = row["target_id"]
                self.add_plain(number, obj)

    @property
    def form_fields(self) -> str:
        return ", ".join(self.specs)

    def unknown_field_text(self, name: str) -> str:
        return f"unknown field (form fields: {self.form_fields})"

    def identity(self, number: int, obj: dict) -> tuple[str, str | None] | None:
        paper_id = obj.get("paper_id")
        if isinstance(paper_id, int):
            paper_id = str(paper_id)
        if not isinstance(paper_id, str) or not paper_id.strip():
            self.problem(number, "missing paper_id")
            return None
        target_id = obj.get("target_id")
        if target_id is not None:
            target_id = str(target_id)
        if self.targeted and not target_id:
            self.problem(number, "missing target_id (the form is targeted: one record per target)")
            return None
        return paper_id.strip(), (target_id if self.targeted else None)

    def add_plain(self, number: int, obj: dict) -> None:
        ident = self.identity(number, obj)
        record = obj.get("record")
        if not isinstance(record, dict):
            self.problem(number, 'missing "record" object')
            return
        if ident is None:
            return
        values = self.typed_values(number, record)
        target = obj.get("target") if isinstance(obj.get("target"), dict) else None
        if values is not None:
            self.add(RecordEntry(ident[0], ident[1], number, values, target=target))

    def add_record_line(self, number: int, obj: dict) -> None:
        try:
            line = RecordLine.model_validate(obj)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            self.problem(number, f"not a records.jsonl line: {where}: {err['msg']}")
            return
        ident = self.identity(number, obj)
        if ident is None:
            return
        values = self.typed_values(number, {k: v.value for k, v in line.record.items()})
        if values is None:
            return
        entry = RecordEntry(ident[0], ident[1], number, values, target=line.target)
        raw = obj["record"]
        for name, extracted in line.record.items():
            entry.evidence[name] = list(extracted.evidence)
            entry.status[name] = str(extracted.status)
            # `Extracted` defaults to `check`; only a triage written on the line is real.
            if isinstance(raw.get(name), dict) and "triage" in raw[name]:
                entry.triage[name] = str(extracted.triage)
                entry.reasons[name] = list(extracted.reasons)
        self.add(entry)

    def typed_values(self, number: int, record: dict) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        unknown = [name for name in record if name not in self.specs]
        if len(unknown) == 1:
            self.problem(number, f"field {unknown[0]!r}: {self.unknown_field_text(unknown[0])}")
        elif unknown:
            names = ", ".join(map(repr, unknown))
            self.problem(
                number, f"fields {names}: not in the form (form fields: {self.form_fields})"
            )
        ok = not unknown
        for name, raw in record.items():
            spec = self.specs.get(name)
            if spec is None:
                continue
            try:
                values[name] = coerce_value(spec, raw, self.numeric_text)
            except ValueProblem as exc:
                kept = self.numeric_text == "keep" and isinstance(raw, str)
                if self.role == "gold" and not kept:
                    self.problem(number, f"field {name!r}: {exc}")
                    ok = False
                    continue
                values[name] = Unparsed(raw if isinstance(raw, str) else json.dumps(raw))
                self.warnings.append(f"line {number}: field {name!r}: {exc}; kept as text")
        return values if ok else None

    def add(self, entry: RecordEntry) -> None:
        previous = self.entries.get(entry.key)
        label = entry.paper_id + (f" / target {entry.target_id}" if entry.target_id else "")
        if previous is not None:
            message = f"duplicate record {label} (first on line {previous.line})"
            if self.role == "gold":
                self.problem(entry.line, message)
                return
            self.warnings.append(f"line {entry.line}: {message}; the later line is used")
        self.entries[entry.key] = entry
