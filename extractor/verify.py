"""Check records made anywhere against their papers: the tool finds the evidence itself.

A colleague's sheet, another tool's output or a published meta-analysis's data holds
values without quotes. Each value is located in the paper (`extractor/locate.py`: table
cells with row labels, headers and captions; sentences) and goes through the same check
step as `extract`'s values (`extractor/check.py` with the role checks of
`extractor/roles.py`), so `verified` means the same thing for both: the value is printed
where its role says, not merely somewhere. No model is needed; a model, when given, is
asked about undecided values only (`extractor/verify_model.py`) and its answer is a
reason, never a verification.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from extractor.check import Code, check_record, triage
from extractor.document import Document
from extractor.locate import Locator, Occurrence, contains_term
from extractor.roles import RoleChecker
from schemas.extracted import AlignmentStatus, Evidence, Extracted, Finding, Status
from schemas.form import FieldSpec, Form

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
    found = check_record(form, record, paper.document, target=target, roles=paper.roles)
    for spec in form.fields:
        extracted = record[spec.name]
        # The evidence is the tool's own finding, not a claimed quote: whether the value is
        # printed at all is `not_printed`, and where, the role checks say.
        findings = [f for f in found.get(spec.name, []) if f.code not in _QUOTE_CODES]
        unseen = extracted.value is not None and not extracted.evidence and not findings
        if unseen and spec.kind != "boolean":
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
    return not (spec.kind == "boolean" and extracted.value is False)


def locate_evidence(spec: FieldSpec, value: Any, paper: PaperChecker) -> list[Evidence]:
    """Passages of the paper that print `value` (numbers, words, list items)."""
    if spec.kind == "boolean":
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
