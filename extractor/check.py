"""Check every value of a record against the paper, with no model call.

A value is trusted only if its evidence holds up: a quote located in the paper, the
value standing in the *located* span (the paper's own characters, not the model's
copy of them), a status that agrees with the value, the form's consistency rules
and the field's applicability. Each failed check is a `Finding` (a stable code and
a sentence); `triage` turns a value's findings into verified | check | missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import fuzz

from extractor.document import Document
from extractor.grounding import normalise
from extractor.plan import Context
from extractor.retrieve import Retriever, field_query
from schemas.compare import values_match
from schemas.extracted import Extracted, Finding, Status, Triage
from schemas.form import FieldKind, FieldSpec, Form
from schemas.numbers import prints_number
from schemas.rules import Rule, parse_rule


class Code:
    """Finding codes: stable strings that exports, the audit and the app filter on."""

    no_quote = "no_quote"
    quote_not_found = "quote_not_found"
    value_not_in_quote = "value_not_in_quote"
    status_mismatch = "status_mismatch"
    rule_failed = "rule_failed"
    not_applicable = "not_applicable"
    not_in_text_sent = "not_in_text_sent"
    not_reported = "not_reported"
    unclear = "unclear"
    raters_disagree = "raters_disagree"
    second_rater_failed = "second_rater_failed"
    followup_dropped = "followup_dropped"  # a follow-up answered nothing: the value is kept


# Findings a follow-up question can fix (the rest need a human, or nothing).
RECOVERABLE = frozenset(
    {
        Code.no_quote,
        Code.quote_not_found,
        Code.value_not_in_quote,
        Code.rule_failed,
        Code.not_applicable,
        Code.not_in_text_sent,
    }
)
# Findings that describe an absent value rather than a doubtful one.
_ABSENCE = frozenset({Code.not_reported, Code.unclear, Code.not_in_text_sent})
STRING_MATCH = 85.0  # rapidfuzz partial ratio for a text value inside its quote


def form_rules(form: Form) -> list[Rule]:
    known = frozenset(form.field_names)
    return [parse_rule(text, known) for text in form.rules]


def applies(form: Form, spec: FieldSpec, values: Mapping[str, Any]) -> bool | None:
    """Whether a field applies to this record (None: cannot tell yet)."""
    if not spec.applies_when:
        return True
    return parse_rule(spec.applies_when, frozenset(form.field_names)).holds(values)


def check_record(
    form: Form,
    record: Mapping[str, Extracted[Any]],
    document: Document,
    *,
    sent: Mapping[str, Context] | None = None,
    retriever: Retriever | None = None,
    target: object | None = None,
) -> dict[str, list[Finding]]:
    """Findings per field. `sent` maps field names to the context their group was given:
    an unreported field whose best passage was left out gets `not_in_text_sent`."""
    values = {name: extracted.value for name, extracted in record.items()}
    out: dict[str, list[Finding]] = {name: [] for name in record}
    for spec in form.fields:
        extracted = record.get(spec.name)
        if extracted is None:
            continue
        findings = out[spec.name]
        findings += check_value(spec, extracted, document)
        applicable = applies(form, spec, values)
        if applicable is False and extracted.value not in (None, []):
            findings.append(
                Finding(
                    code=Code.not_applicable,
                    message=f"a value is given, but the field applies only when "
                    f"`{spec.applies_when}`",
                )
            )
            # Either this value or the field that decides applicability is wrong: doubt both,
            # so a wrong category can never pass as verified behind the values it disowns.
            assert spec.applies_when is not None
            for name in parse_rule(spec.applies_when, frozenset(form.field_names)).fields:
                out[name].append(
                    Finding(
                        code=Code.rule_failed,
                        message=f"{spec.name} has a value, but applies only when "
                        f"`{spec.applies_when}`",
                    )
                )
        context = (sent or {}).get(spec.name)
        if (
            extracted.value in (None, [])
            and applicable is not False
            and context is not None
            and not context.whole
            and retriever is not None
            and _best_passage_left_out(retriever, spec, context, target)
        ):
            findings.append(
                Finding(
                    code=Code.not_in_text_sent,
                    message="not found in the sections sent: the passage most likely to "
                    "hold it was left out",
                )
            )
    for rule in form_rules(form):
        if rule.holds(values) is False:
            for name in rule.fields:
                out[name].append(Finding(code=Code.rule_failed, message=rule.explain(values)))
    return out


def check_value(spec: FieldSpec, extracted: Extracted[Any], document: Document) -> list[Finding]:
    """The checks of one value on its own: evidence, value in its quote, status."""
    findings: list[Finding] = []
    value = extracted.value
    has_value = value not in (None, [])
    if extracted.status is Status.reported and not has_value:
        findings.append(Finding(code=Code.status_mismatch, message="reported, but no value"))
    if extracted.status is not Status.reported and has_value:
        findings.append(
            Finding(
                code=Code.status_mismatch,
                message=f"a value is given with status {extracted.status.value}",
            )
        )
    if not has_value:
        code = Code.unclear if extracted.status is Status.unclear else Code.not_reported
        findings.append(Finding(code=code, message=f"status {extracted.status.value}"))
        return findings
    if not extracted.evidence:
        findings.append(Finding(code=Code.no_quote, message="the value has no evidence quote"))
        return findings
    spans = [
        document.text[e.char_start : e.char_end]
        for e in extracted.evidence
        if e.grounded and e.char_start is not None and e.char_end is not None
    ]
    if not spans:
        findings.append(
            Finding(code=Code.quote_not_found, message="none of its quotes is in the paper")
        )
        return findings
    missing = _not_standing(spec, value, spans)
    if missing:
        shown = ", ".join(str(m) for m in missing[:4])
        findings.append(
            Finding(
                code=Code.value_not_in_quote,
                message=f"the paper's text at its quotes does not print {shown}",
            )
        )
    return findings


def _not_standing(spec: FieldSpec, value: Any, spans: Sequence[str]) -> list[Any]:
    """The parts of `value` that none of the located spans prints."""
    kind = spec.kind
    if kind.is_numeric:
        return [] if any(prints_number(s, float(value)) for s in spans) else [value]
    if kind.is_object_list or kind.is_object:
        items = value if isinstance(value, list) else [value]
        numbers = [
            v
            for item in items
            if isinstance(item, dict)
            for sub in spec.item_fields
            if sub.kind.is_numeric and isinstance(v := item.get(sub.name), int | float)
        ]
        return [n for n in numbers if not any(prints_number(s, float(n)) for s in spans)]
    if kind.is_list:
        return [v for v in value if not _text_stands(spec, v, spans)]
    if kind == FieldKind.boolean or spec.judged:
        return []  # a yes/no or a classification is a reading of the quote, not a word in it
    return [] if _text_stands(spec, value, spans) else [value]


def _text_stands(spec: FieldSpec, value: Any, spans: Sequence[str]) -> bool:
    text = str(value)
    terms = [text, text.replace("_", " ")]
    terms += [alias for alias, canonical in spec.aliases.items() if canonical == text]
    keys = [normalise(s)[0] for s in spans]
    for term in terms:
        term_key = normalise(term)[0]
        if not term_key:
            continue
        for key in keys:
            if term_key in key:
                return True
            fuzzy_ok = spec.kind == FieldKind.string and len(term_key) >= 6
            if fuzzy_ok and fuzz.partial_ratio(term_key, key) >= STRING_MATCH:
                return True
    return False


def _best_passage_left_out(
    retriever: Retriever, spec: FieldSpec, context: Context, target: object | None
) -> bool:
    best = retriever.search(field_query(spec, target), k=1)
    if not best or best[0].char_start is None:
        return False
    at = best[0].char_start
    return not any(start <= at < end for start, end in context.spans)


def values_agree(spec: FieldSpec, first: Any, second: Any) -> bool:
    """Whether two raters' values are the same answer, by the audit's comparators."""

    return values_match(spec, first, second)


def triage(form: Form, record: Mapping[str, Extracted[Any]]) -> None:
    """Set each value's `triage` and `reasons` from its findings (in place).

    verified: a value with no finding at all (grounded, standing in its quote,
    consistent, agreed by the second rater), or an empty field the form says does not
    apply to this record. missing: no value where one may be reported. check: the rest.
    """
    values = {name: extracted.value for name, extracted in record.items()}
    for spec in form.fields:
        extracted = record.get(spec.name)
        if extracted is None:
            continue
        codes = list(dict.fromkeys(f.code for f in extracted.findings))
        has_value = extracted.value not in (None, [])
        if has_value:
            extracted.triage = Triage.check if codes else Triage.verified
        elif not set(codes) <= _ABSENCE:
            extracted.triage = Triage.check  # e.g. the second rater found a value
        elif applies(form, spec, values) is False:
            extracted.triage = Triage.verified
            codes = [Code.not_applicable]
        else:
            extracted.triage = Triage.missing
        extracted.reasons = codes
