"""Check records made anywhere against their papers: the tool finds the evidence itself.

A colleague's sheet, another tool's output or a published meta-analysis's data holds
values without quotes. Each value is located in the paper (`extractor/locate.py`: table
cells with row labels, headers and captions; sentences) and goes through the same check
step as `extract`'s values (`extractor/check.py` with the role checks of
`extractor/roles/`), so `verified` means the same thing for both: the value is printed
where its role says, not merely somewhere. No model is needed; a model, when given, is
asked about undecided values only (`extractor/verify_model.py`) and its answer is a
reason, never a verification.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor import __version__
from extractor.check import Code, check_record, triage
from extractor.document import Document
from extractor.fileio import atomic_write_text
from extractor.locate import Locator, Occurrence, contains_term
from extractor.pdf import parse_pdf
from extractor.review.corrections import CorrectionError, parse_value
from extractor.roles import RoleChecker
from extractor.spreadsheet import unguard_formula
from extractor.verify_judge import JUDGE_PROMPT, Judge
from extractor.verify_report import render_report
from schemas.errors import InputError, LitextractError
from schemas.extracted import AlignmentStatus, Evidence, Extracted, Finding, Status, Triage
from schemas.form import FieldKind, FieldSpec, Form
from schemas.record import Provenance, RecordLine, TokenUsage, TraceStep, utc_now

MAX_EVIDENCE = 3  # located passages kept per value
_QUOTE_CODES = frozenset({Code.no_quote, Code.quote_not_found, Code.value_not_in_quote})


@dataclass
class PaperChecker:
    """One paper's locator and role checker, shared by all of its records."""

    document: Document
    locator: Locator = field(init=False)
    roles: RoleChecker = field(init=False)

    def __post_init__(self) -> None:
        self.locator = Locator(self.document)
        self.roles = RoleChecker(self.document, self.locator)


def verify_values(
    form: Form,
    values: Mapping[str, Any],
    paper: PaperChecker,
    target: Mapping[str, str] | None = None,
) -> dict[str, Extracted[Any]]:
    """One record's values, each with located evidence, findings, triage and reasons."""
    record: dict[str, Extracted[Any]] = {}
    for spec in form.fields:
        value = values.get(spec.name)
        empty = value is None or value == [] or value == ""
        record[spec.name] = Extracted(
            value=None if empty else value,
            status=Status.not_reported if empty else Status.reported,
            evidence=[] if empty else locate_evidence(spec, value, paper),
        )
    judged_at: dict[str, Occurrence] = {}
    found = check_record(
        form, record, paper.document, target=target, roles=paper.roles, judged_at=judged_at
    )
    for name, occ in judged_at.items():
        # The passage the role checks judged the value by is its evidence, first: the
        # first print of the number in the paper may be another row's.
        first = _evidence(paper, occ)
        others = [e for e in record[name].evidence if e.quote != first.quote]
        record[name].evidence = [first, *others][:MAX_EVIDENCE]
    for spec in form.fields:
        extracted = record[spec.name]
        # The evidence is the tool's own finding, not a claimed quote: whether the value is
        # printed at all is `not_printed`, and where, the role checks say.
        findings = [f for f in found.get(spec.name, []) if f.code not in _QUOTE_CODES]
        unseen = extracted.value is not None and not extracted.evidence and not findings
        if unseen and spec.judged and not extracted.checks_passed:
            findings.append(
                Finding(code=Code.class_terms_missing, message="no passage carries its words")
            )
        elif unseen and spec.kind != FieldKind.boolean and not extracted.checks_passed:
            findings.append(Finding(code=Code.not_printed, message="not printed in the paper"))
        if _only_printed(form, spec, extracted, findings, target):
            findings.append(
                Finding(
                    code=Code.role_unconfirmed,
                    message="printed in the paper, but nothing shows the role the field names",
                )
            )
        extracted.findings = findings
    triage(form, record)
    return record


def _only_printed(
    form: Form,
    spec: FieldSpec,
    extracted: Extracted[Any],
    findings: list[Finding],
    target: Mapping[str, str] | None,
) -> bool:
    # With no quote from whoever made the record, a value found somewhere in the paper is
    # only "printed somewhere" unless a check of its role (or class, or absence) passed.
    if extracted.value is None or findings or extracted.checks_passed:
        return False
    return not (spec.kind == FieldKind.boolean and extracted.value is False)


def locate_evidence(spec: FieldSpec, value: Any, paper: PaperChecker) -> list[Evidence]:
    """Passages of the paper that print `value` (numbers, words, list items)."""
    if spec.kind == FieldKind.boolean:
        return []  # a yes/no is not printed: it is read (and a "no" from the absence rule)
    if spec.kind.is_numeric:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return []
        return [_evidence(paper, occ) for occ in _first(paper.locator.find(value))]
    items = value if isinstance(value, list) else [value]
    terms: list[str] = []
    for item in items:
        if isinstance(item, dict):
            terms += [str(v) for v in item.values() if isinstance(v, str) and v.strip()]
        elif isinstance(item, str):
            terms += [item, item.replace("_", " ")]
            terms += [alias for alias, canonical in spec.aliases.items() if canonical == item]
    out: list[Evidence] = []
    for term in dict.fromkeys(terms):
        for unit in paper.locator.sentences:
            if contains_term(unit.text, term):
                out.append(_text_evidence(paper.document, unit.text, unit.char_start))
                break
    return out[: MAX_EVIDENCE * 2]


def _first(occurrences: list[Occurrence]) -> list[Occurrence]:
    seen: set[str] = set()
    out = []
    for occ in occurrences:
        if occ.quote in seen:
            continue
        seen.add(occ.quote)
        out.append(occ)
        if len(out) == MAX_EVIDENCE:
            break
    return out


def _evidence(paper: PaperChecker, occ: Occurrence) -> Evidence:
    unit = occ.unit
    if unit.char_start is not None:
        return _text_evidence(paper.document, unit.text, unit.char_start)
    where = f"table row {unit.label!r}" if unit.label else "table row"
    return Evidence(
        quote=occ.quote,
        page=unit.page,
        section=(unit.caption or where)[:120],
        alignment=AlignmentStatus.not_found,  # a parsed cell, not a span of the text
    )


def _text_evidence(document: Document, text: str, start: int | None) -> Evidence:
    if start is None:
        return Evidence(quote=text.strip())
    lead = len(text) - len(text.lstrip())
    begin = start + lead
    end = start + len(text.rstrip())
    section = document.section_at(begin)
    return Evidence(
        quote=document.text[begin:end],
        page=document.page_at(begin),
        section=section.heading if section else None,
        char_start=begin,
        char_end=end,
        alignment=AlignmentStatus.exact,
        match_score=100.0,
    )


# ---------------------------------------------------------------------------------------
# Records made anywhere: reading them, and running the checks over a folder of papers.


@dataclass
class InputRecord:
    """One record to verify: whose values, for which target, from which line."""

    paper_id: str
    target_id: str | None
    target: dict[str, str]
    values: dict[str, Any]
    where: str  # "records.csv:12", for messages


@dataclass
class ReadRecords:
    records: list[InputRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each; the rest go on


_TARGET_KEYS = ("intervention", "comparator", "outcome")
# Columns `export` writes beside the values: not fields of the form.
_EXPORT_COLUMNS = frozenset(
    {"paper_id", "target_id", *_TARGET_KEYS, "model", "version", "corrected", "corrected_by",
     "extracted_at"}
)  # fmt: skip


def read_records(path: Path, form: Form) -> ReadRecords:
    """Records from litextract's records.jsonl, plain JSONL lines ({"paper_id", "target_id",
    "intervention", "comparator", "outcome", "record": {field: value}}), or the CSV/XLSX
    `export` writes (one value column per field; `<field>__...` columns are ignored)."""
    if not path.is_file():
        raise InputError(path, "file not found")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _from_rows(path, form, _csv_rows(path))
    if suffix in (".xlsx", ".xlsm"):
        return _from_rows(path, form, _xlsx_rows(path))
    return _from_jsonl(path, form)


def _from_jsonl(path: Path, form: Form) -> ReadRecords:
    out = ReadRecords()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            out.problems.append(f"{where}: not valid JSON ({exc.msg})")
            continue
        record = obj.get("record") if isinstance(obj, dict) else None
        if not isinstance(record, dict) or not obj.get("paper_id"):
            out.problems.append(f'{where}: expected {{"paper_id", "record": {{...}}}}')
            continue
        target = obj.get("target") if isinstance(obj.get("target"), dict) else {}
        target = {k: str(target.get(k) or obj.get(k) or "") for k in _TARGET_KEYS}
        values: dict[str, Any] = {}
        for name, cell in record.items():
            if name not in form.field_names:
                out.problems.append(f"{where}: form {form.name!r} has no field {name!r}")
                continue
            # records.jsonl wraps each value with its evidence; plain lines give the value.
            is_cell = isinstance(cell, dict) and "value" in cell and "status" in cell
            values[name] = cell.get("value") if is_cell else cell
        out.records.append(_record(obj, target, values, where))
    return out


def _record(obj: Mapping[str, Any], target: dict[str, str], values: dict, where: str):
    target_id = obj.get("target_id")
    return InputRecord(
        paper_id=str(obj["paper_id"]).strip(),
        target_id=None if target_id in (None, "") else str(target_id),
        target={k: v for k, v in target.items() if v},
        values=values,
        where=where,
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {k: unguard_formula(v or "") for k, v in row.items() if k is not None}
            for row in csv.DictReader(handle)
        ]


def _xlsx_rows(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook  # heavy, and only for spreadsheets

    sheet = load_workbook(path, read_only=True, data_only=True).active
    rows = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
    if not rows:
        return []
    names = [str(c) if c is not None else "" for c in rows[0]]
    out = []
    for row in rows[1:]:
        cells = ["" if c is None else _cell_text(c) for c in row]
        out.append(dict(zip(names, cells, strict=False)))
    return out


def _cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _from_rows(path: Path, form: Form, rows: list[dict[str, str]]) -> ReadRecords:
    out = ReadRecords()
    if not rows:
        out.problems.append(f"{path.name}: no records")
        return out
    columns = list(rows[0])
    if "paper_id" not in columns:
        raise InputError(path, "line 1: no paper_id column")
    fields = []
    for column in columns:
        if column in _EXPORT_COLUMNS or "__" in column or not column:
            continue
        if column not in form.field_names:
            out.problems.append(
                f"{path.name}: column {column!r}: form {form.name!r} has no such field"
            )
            continue
        fields.append(column)
    for number, row in enumerate(rows, start=2):
        where = f"{path.name}:{number}"
        if not row.get("paper_id"):
            out.problems.append(f"{where}: no paper_id")
            continue
        values: dict[str, Any] = {}
        for name in fields:
            try:
                value, _status = parse_value(form, name, row.get(name) or "")
            except CorrectionError as exc:
                out.problems.append(f"{where}: {exc}")
                continue
            values[name] = value
        target = {k: row.get(k) or "" for k in _TARGET_KEYS}
        out.records.append(_record(row, target, values, where))
    return out


@dataclass
class VerifySummary:
    records: int = 0
    papers: int = 0
    problems: list[str] = field(default_factory=list)
    # field -> triage -> count
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    lines: list[RecordLine] = field(default_factory=list)

    def add(self, line: RecordLine) -> None:
        self.lines.append(line)
        self.records += 1
        for name, extracted in line.record.items():
            if extracted.value in (None, []):
                # Nothing given for this field (an empty field that does not apply is
                # `verified` by the triage, but no value of the records was checked).
                continue
            per = self.counts.setdefault(name, {t.value: 0 for t in Triage})
            per[extracted.triage.value] += 1


def run_verify(
    records_path: Path,
    papers_dir: Path,
    form: Form,
    out_dir: Path,
    *,
    judge: Judge | None = None,
    on_paper: Callable[[str], None] | None = None,
) -> VerifySummary:
    """Verify every record of `records_path` against DIR/<paper_id>.pdf; write
    OUT/records.jsonl and OUT/report.html. A missing PDF or a bad line is one problem
    line; the other records go on."""
    read = read_records(records_path, form)
    summary = VerifySummary(problems=list(read.problems))
    by_paper: dict[str, list[InputRecord]] = {}
    for record in read.records:
        by_paper.setdefault(record.paper_id, []).append(record)
    out_dir.mkdir(parents=True, exist_ok=True)
    for paper_id, records in by_paper.items():
        pdf = papers_dir / f"{paper_id}.pdf"
        if not pdf.is_file():
            summary.problems.append(f"{pdf}: no such PDF ({len(records)} record(s) skipped)")
            if on_paper:
                on_paper(paper_id)
            continue
        try:
            document = parse_pdf(pdf)
        except LitextractError as exc:
            summary.problems.append(f"{pdf}: {exc}")
            if on_paper:
                on_paper(paper_id)
            continue
        paper = PaperChecker(document)
        summary.papers += 1
        for record in records:
            started = utc_now()
            checked = verify_values(form, record.values, paper, record.target or None)
            usage = judge.review(form, checked, record.target) if judge else None
            summary.add(
                RecordLine(
                    paper_id=paper_id,
                    target_id=record.target_id,
                    target=record.target or None,
                    record=checked,
                    provenance=_provenance(form, document, judge, usage, started),
                )
            )
        if on_paper:
            on_paper(paper_id)
    text = "".join(line.model_dump_json() + "\n" for line in summary.lines)
    atomic_write_text(out_dir / RECORDS, text)
    report = render_report(form, summary.lines, summary.counts, summary.problems, records_path)
    atomic_write_text(out_dir / REPORT, report)
    return summary


RECORDS = "records.jsonl"
REPORT = "report.html"


def _provenance(
    form: Form, document: Document, judge: Judge | None, usage: TokenUsage | None, started
) -> Provenance:
    return Provenance(
        paper_sha256=document.source.sha256,
        form=form.name,
        form_version=form.version,
        form_hash=form.hash,
        prompt_name=JUDGE_PROMPT if judge else "",
        prompt_hash=judge.prompt_hash if judge else "",
        backend=judge.backend.name if judge else "verify",
        model=judge.backend.model if judge else "none",
        usage=usage or TokenUsage(),
        started_at=started,
        finished_at=utc_now(),
        litextract_version=__version__,
        trace=[TraceStep(step="check", note="litextract verify: values located by the tool")],
    )
