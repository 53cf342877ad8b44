"""Check every value of a record against the paper, with no model call.

A value is trusted only if its evidence holds up: a quote located in the paper, the
value standing in the *located* span (the paper's own characters, not the model's
copy of them, on word and number bounds), a status that agrees with the value, the
form's consistency rules and the field's applicability. A value must also play its
role: the numbers of a form with effect roles are located in the paper and checked for
arm, outcome, timepoint, pairs and effect (`extractor/roles/`); a judged class needs
its defining words in its quote, a "false" the form's absence rule, a list each item, and
a field the form marks `is_name` a name (a title stands in a quote of the title too).
Each failed check is a `Finding` (a stable code and a sentence); `triage` turns a
value's findings into verified | check | missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from extractor.document import Document
from extractor.grounding import normalise
from extractor.locate import Occurrence, contains_term
from extractor.plan import Context
from extractor.retrieve import Retriever, field_query
from extractor.roles import RoleChecker, RoleCode, RoleScore, check_roles, role_score
from schemas.compare import values_match
from schemas.extracted import Extracted, Finding, Status, Triage
from schemas.form import FieldKind, FieldSpec, Form
from schemas.numbers import prints_number
from schemas.roles import effect_roles
from schemas.rules import Rule, parse_rule


class Code(StrEnum):
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
    # Role checks (extractor/roles/): the number is printed, but in which role?
    not_printed = RoleCode.not_printed
    arm_mismatch = RoleCode.arm_mismatch
    arm_unbound = RoleCode.arm_unbound
    outcome_unbound = RoleCode.outcome_unbound
    timepoint_ambiguous = RoleCode.timepoint_ambiguous
    pair_mismatch = RoleCode.pair_mismatch
    group_size_mismatch = RoleCode.group_size_mismatch
    effect_mismatch = RoleCode.effect_mismatch
    role_unconfirmed = RoleCode.role_unconfirmed
    # Support of classifications, yes/no values and lists.
    class_terms_missing = "class_terms_missing"
    absence_unconfirmed = "absence_unconfirmed"
    absence_contradicted = "absence_contradicted"
    not_a_name = "not_a_name"  # a name field holding a title, a phrase or a sentence


# Findings a follow-up question can fix (the rest need a human, or nothing).
RECOVERABLE = frozenset(
    {
        Code.no_quote,
        Code.quote_not_found,
        Code.value_not_in_quote,
        Code.rule_failed,
        Code.not_applicable,
        Code.not_in_text_sent,
        Code.not_printed,
        Code.arm_mismatch,
        Code.arm_unbound,
        Code.outcome_unbound,
        Code.timepoint_ambiguous,
        Code.pair_mismatch,
        Code.group_size_mismatch,
        Code.effect_mismatch,
        Code.role_unconfirmed,
        Code.class_terms_missing,
        Code.not_a_name,
    }
)
# A passed support check of a class or a yes/no value, kept in `checks_passed`.
CLASS_TERMS = "class_terms"
ABSENCE_RULE = "absence_rule"
RATERS_AGREE = "raters_agree"  # two different models gave the same class
__all__ = [
    "RECOVERABLE",
    "Code",
    "RoleScore",
    "check_record",
    "name_shaped",
    "role_score",
    "triage",
]
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
    roles: RoleChecker | None = None,
    judged_at: dict[str, Occurrence] | None = None,
) -> dict[str, list[Finding]]:
    """Findings per field. `sent` maps field names to the context their group was given:
    an unreported field whose best passage was left out gets `not_in_text_sent`.

    The role checks also set each checked value's `checks_passed` (read it with
    `role_score`); pass `roles` to reuse one paper's locator across records. Given
    `judged_at`, it receives the place each role-checked value was judged by."""
    values = {name: extracted.value for name, extracted in record.items()}
    out: dict[str, list[Finding]] = {name: [] for name in record}
    for spec in form.fields:
        extracted = record.get(spec.name)
        if extracted is None:
            continue
        findings = out[spec.name]
        findings += check_value(spec, extracted, document, form)
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
    role_results = check_roles(form, record, document, _target_dict(target), roles)
    for name, result in role_results.items():
        out[name] += result.findings
        record[name].checks_passed = result.passed
        record[name].derivation = result.derivation or None
        if judged_at is not None and result.where is not None:
            judged_at[name] = result.where
    _type_by_numbers(form, record, role_results, out)
    for rule in form_rules(form):
        if rule.holds(values) is False:
            for name in rule.fields:
                out[name].append(Finding(code=Code.rule_failed, message=rule.explain(values)))
    return out


def _type_by_numbers(
    form: Form,
    record: Mapping[str, Extracted[Any]],
    results: Mapping[str, Any],
    out: dict[str, list[Finding]],
) -> None:
    """An outcome type is supported by its numbers standing in their roles ("12 of 60" on
    each arm is a binary outcome), not only by the words of its definition."""
    roles = effect_roles(form)
    name = roles.field("outcome_type") if roles else None
    if roles is None or name is None or name not in record:
        return
    kind = record[name].value
    if kind not in ("binary", "continuous"):
        return
    fields = roles.number_fields(str(kind))
    held = [results[f] for f in fields if f in results]
    if held and all(not r.findings for r in held) and len(held) >= 2:
        out[name] = [f for f in out[name] if f.code != Code.class_terms_missing]
        if CLASS_TERMS not in record[name].checks_passed:  # its quote may carry them too
            record[name].checks_passed = [*record[name].checks_passed, CLASS_TERMS]


def _target_dict(target: object | None) -> dict[str, str] | None:
    if target is None:
        return None
    if isinstance(target, Mapping):
        return {str(k): str(v) for k, v in target.items()}
    as_dict = getattr(target, "as_dict", None)
    return as_dict() if callable(as_dict) else None


def check_value(
    spec: FieldSpec, extracted: Extracted[Any], document: Document, form: Form | None = None
) -> list[Finding]:
    """The checks of one value on its own: evidence, value in its quote, status, and the
    support a class, a yes/no value or a list needs."""
    findings: list[Finding] = []
    extracted.checks_passed = []
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
    findings += _name_shape(spec, value)
    if spec.kind == FieldKind.boolean and value is False:
        # "Not done" is read from the whole paper, not from a quote: the absence rule decides.
        return findings + _absence(spec, extracted, document, form)
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
    if spec.judged and not spec.kind.is_list and isinstance(value, str):
        if _class_supported(spec, value, spans):
            extracted.checks_passed.append(CLASS_TERMS)
        else:
            findings.append(
                Finding(
                    code=Code.class_terms_missing,
                    message=f"its quotes do not carry the words that define {value!r}",
                )
            )
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


# A name is a few words: the real ones run from one ("ChestCLIP-Adapter", "ViT-L/14@336px")
# to four ("Segment Anything Model (SAM)"); a title or a sentence is longer.
NAME_MAX_WORDS = 6
# Punctuation that joins a name to more text: a title's subtitle ("ChestCLIP-Adapter:
# Parameter-Efficient ..."), a clause after ";", a second sentence ("MedSAM. It ..."), a
# spaced dash ("X - a model for ..."). Inside a word it is part of the name ("ViT-B/16").
_JOINS_MORE_TEXT = re.compile(r"\S[:;.!?]\s+\S|\s[-\u2013\u2014]\s+\S")
# A comma may list short names ("ResNet-50, ViT-B/16": two backbones, each a name), but not
# open a description of the name ("MedSAM, a foundation model ...", "SAM, which ...").
_COMMA_DESCRIBES = re.compile(r",\s+(?:a|an|the|which|that|who|whose|our|we|its|their|this)\b")
_SHOWN_CHARS = 40  # a value quoted in a message, cut with an ellipsis


def name_shaped(text: str) -> bool:
    """Whether `text` reads as a name: at most NAME_MAX_WORDS words, and no punctuation
    that joins a name to a subtitle, a clause or a description."""
    return (
        len(text.split()) <= NAME_MAX_WORDS
        and not _JOINS_MORE_TEXT.search(text)
        and not _COMMA_DESCRIBES.search(text)
    )


def _name_shape(spec: FieldSpec, value: Any) -> list[Finding]:
    """A name field must hold a name: standing in its quote is not enough, for the
    paper's title stands in a quote of the title."""
    names: list[Any] = []
    if spec.is_name:
        names = value if isinstance(value, list) else [value]
    elif spec.kind.has_parts:
        items = value if isinstance(value, list) else [value]
        names = [
            item.get(sub.name)
            for item in items
            if isinstance(item, dict)
            for sub in spec.item_fields
            if sub.is_name
        ]
    return [
        Finding(
            code=Code.not_a_name,
            message=f"{_shown(text)!r} reads as a title or a phrase, not a name",
        )
        for text in names
        if isinstance(text, str) and not name_shaped(text)
    ]


def _shown(text: str) -> str:
    """`text` on one line, cut with an ellipsis past _SHOWN_CHARS characters."""
    line = " ".join(text.split())
    if len(line) <= _SHOWN_CHARS:
        return line
    cut = line[: _SHOWN_CHARS + 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut[:_SHOWN_CHARS]) + " …"


def _absence(
    spec: FieldSpec, extracted: Extracted[Any], document: Document, form: Form | None
) -> list[Finding]:
    """A "false" is a claim about the whole paper: it needs the form's absence rule."""
    declared = getattr(form.model, "absence_terms", {}) if form is not None else {}
    terms = declared.get(spec.name) if isinstance(declared, Mapping) else None
    if not terms:
        return [
            Finding(
                code=Code.absence_unconfirmed,
                message="false, but the form gives no absence rule to check it by",
            )
        ]
    printed = [t for t in terms if contains_term(document.text, t)]
    if printed:
        shown = ", ".join(repr(t) for t in printed[:3])
        return [
            Finding(code=Code.absence_contradicted, message=f"false, but the paper prints {shown}")
        ]
    extracted.checks_passed.append(ABSENCE_RULE)
    return []


def _class_supported(spec: FieldSpec, value: str, spans: Sequence[str]) -> bool:
    """Whether a quote carries a class's defining words: its name, an alias, or most of
    the content words of its choice definition."""
    terms = [value, value.replace("_", " "), value.replace("_", "-")]
    terms += [alias for alias, canonical in spec.aliases.items() if canonical == value]
    if any(contains_term(s, t) for s in spans for t in terms):
        return True
    definition = spec.choice_definitions.get(value, "")
    wanted = [w for w in re.findall(r"[A-Za-z]{4,}", definition) if w.lower() not in _VAGUE]
    if not wanted:
        return False
    found = sum(1 for w in wanted if any(contains_term(s, w) for s in spans))
    return found / len(wanted) >= 0.6


# Words of a choice definition that define nothing on their own.
_VAGUE = frozenset({"with", "without", "from", "that", "this", "each", "per", "group", "model"})


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
        texts = [
            v
            for item in items
            if isinstance(item, dict)
            for sub in spec.item_fields
            if sub.kind == FieldKind.string
            and isinstance(v := item.get(sub.name), str)
            and v.strip()
        ]
        missing_numbers = [n for n in numbers if not any(prints_number(s, float(n)) for s in spans)]
        return missing_numbers + [t for t in texts if not _text_stands(spec, t, spans)]
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
        for span, key in zip(spans, keys, strict=True):
            if contains_term(span, term):  # whole words: "x" is not in "extractor"
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
