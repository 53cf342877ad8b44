"""The extraction agent: check every value, go back for what failed, say what needs eyes.

After the first pass (one call per field group), the loop is

    check (no model call: extractor/check.py)
      -> recover: one focused follow-up for the fields that failed a check, or were not
         reported although the passage most likely to hold them was not sent; it carries
         the reason and the passages BM25 retrieves for those fields (extractor/retrieve.py)
      -> check again; a new answer replaces the old one only if it checks out better
    (at most `max_followups` rounds and `followup_token_budget` tokens per record)
    -> optional second rater: an independent extraction, compared field by field
    -> triage: verified | check | missing, with reason codes.

Every step is appended to the record's trace (what was asked, why, what changed, what
it cost). Nothing from the paper reaches the follow-up outside the fenced passages:
the reasons are our own sentences, so paper text cannot change the fields or rules.
With `single_pass`, the record is checked and triaged but nothing is asked again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from extractor.check import (
    CLASS_TERMS,
    RATERS_AGREE,
    RECOVERABLE,
    Code,
    check_record,
    role_score,
    triage,
    values_agree,
)
from extractor.key import AgentSettings
from extractor.llm.base import ChatBackend
from extractor.paper_index import PaperIndex
from extractor.plan import GAP, Context
from extractor.retrieve import Passage
from extractor.tally import ExtractionError, Tally
from extractor.targets import Target
from schemas.extracted import Extracted, Finding, Triage
from schemas.form import FieldSpec, Form
from schemas.record import TokenUsage, TraceStep

_SHOWABLE = re.compile(r"^[\w.+-]{1,40}$")  # values we may repeat back to the model


class Asker(Protocol):
    """What the agent needs from the layer that asks the model (extractor/extract.py's
    `Extractor` is one): the agent and the asking layer stand side by side, and only the
    orchestrator (extractor/record_maker.py) knows both."""

    backend: ChatBackend
    second_backend: ChatBackend | None

    def first_pass(
        self,
        index: PaperIndex,
        target: Target | None,
        tally: Tally,
        *,
        backend: ChatBackend | None = None,
        reorder: bool = False,
    ) -> tuple[dict[str, Extracted[Any]], dict[str, Context]]: ...

    def ask_followup(
        self,
        index: PaperIndex,
        specs: Sequence[FieldSpec],
        passages: str,
        problems: dict[str, str],
        target: Target | None,
        tally: Tally,
    ) -> dict[str, Extracted[Any]]: ...


@dataclass
class _Case:
    """One record being worked on, and what the loop needs to know about it."""

    index: PaperIndex
    target: Target | None
    record: dict[str, Extracted[Any]]
    sent: Mapping[str, Context]
    tally: Tally


class Agent:
    def __init__(self, form: Form, settings: AgentSettings, asker: Asker) -> None:
        self.form = form
        self.settings = settings
        self.asker = asker

    def run(
        self,
        index: PaperIndex,
        target: Target | None,
        record: dict[str, Extracted[Any]],
        sent: Mapping[str, Context],
        tally: Tally,
    ) -> None:
        """Check, recover, compare and triage `record` in place."""
        case = _Case(index, target, record, sent, tally)
        self._check(case)
        tally.trace.append(
            TraceStep(step="check", reasons=_reasons(record, only_recoverable=False))
        )
        if not self.settings.single_pass:
            self._recover(case)
        if self.settings.raters >= 2:
            self._second_rater(case)
        triage(self.form, record)
        counts = {t.value: sum(v.triage is t for v in record.values()) for t in Triage}
        tally.trace.append(
            TraceStep(
                step="triage",
                note=", ".join(f"{n} {name}" for name, n in counts.items() if n),
            )
        )

    def _findings(
        self, case: _Case, record: Mapping[str, Extracted[Any]]
    ) -> dict[str, list[Finding]]:
        return check_record(
            self.form,
            record,
            case.index.document,
            sent=case.sent,
            retriever=case.index.retriever,
            target=case.target,
            roles=case.index.roles,
        )

    def _check(self, case: _Case) -> None:
        for name, found in self._findings(case, case.record).items():
            kept = [f for f in case.record[name].findings if f.code in _STICKY_CODES]
            case.record[name].findings = [*found, *kept]

    def _recover(self, case: _Case) -> None:
        tally, spent = case.tally, 0
        for round_number in range(1, self.settings.max_followups + 1):
            asking = _worst_first(case.record, _reasons(case.record, only_recoverable=True))
            if not asking:
                return
            if spent >= self.settings.followup_token_budget:
                tally.trace.append(
                    TraceStep(
                        step="followup",
                        fields=list(asking),
                        reasons=asking,
                        note=f"not asked: the follow-up budget of "
                        f"{self.settings.followup_token_budget} tokens is spent",
                    )
                )
                return
            specs = [self.form.field(name) for name in asking]
            passages = case.index.retriever.for_fields(specs, case.target)
            problems = {name: self._problem(case.record[name]) for name in asking}
            requests, usage = tally.requests, tally.usage
            try:
                answers = self.asker.ask_followup(
                    case.index, specs, _passage_text(passages), problems, case.target, tally
                )
            except ExtractionError as exc:
                tally.trace.append(
                    _step(tally, requests, usage, "followup", asking, [], f"failed: {exc}")
                )
                return
            changed = self._adopt(case, answers)
            spent += (tally.usage + _negate(usage)).total_tokens
            note = f"round {round_number}, {len(passages)} passage(s)"
            tally.trace.append(_step(tally, requests, usage, "followup", asking, changed, note))
            if not changed:
                return  # the same question again would get the same answer

    def _adopt(self, case: _Case, answers: dict[str, Extracted[Any]]) -> list[str]:
        """Take each new answer that checks out better than the old one."""
        found = self._findings(case, {**case.record, **answers})
        changed = []
        for name, answer in answers.items():
            answer.findings = found[name]
            old = case.record[name]
            if _has_value(old) and not _has_value(answer):
                # Never trade a value for nothing: a value whose check failed may still be
                # right, and an empty answer proves nothing. It stays, for a human to check.
                old.findings.append(
                    Finding(
                        code=Code.followup_dropped,
                        message="a follow-up gave no value; the first answer is kept",
                    )
                )
                continue
            if _better(answer, old):
                case.record[name] = answer
                changed.append(name)
        self._check(case)
        return changed

    def _problem(self, extracted: Extracted[Any]) -> str:
        """The reason shown to the model: our own sentences, never paper text."""
        value = extracted.value
        shown = str(value) if _SHOWABLE.match(str(value)) else "the value you gave"
        sentences = {
            Code.no_quote: "you gave a value without a quote",
            Code.quote_not_found: "your quote is not in the paper",
            Code.value_not_in_quote: f"{shown} is not printed in your quote",
            Code.not_applicable: "this field does not apply to this record",
            Code.not_in_text_sent: "it was not found in the sections sent before",
            Code.not_a_name: "give the name only, not a phrase or a title",
        }
        out = []
        for finding in extracted.findings:
            if finding.code == Code.rule_failed:
                out.append(finding.message)  # the rule's text and safe values only
            elif finding.code in sentences:
                out.append(sentences[finding.code])
        return "; ".join(dict.fromkeys(out)) or "please check it"

    def _second_rater(self, case: _Case) -> None:
        tally, record = case.tally, case.record
        first = self.asker.backend
        backend = self.asker.second_backend or first
        same_model = (backend.name, backend.model) == (first.name, first.model)
        requests, usage = tally.requests, tally.usage
        try:
            second, _ = self.asker.first_pass(
                case.index, case.target, tally, backend=backend, reorder=same_model
            )
        except ExtractionError as exc:
            # The first rater's record stands; every value says it was not double-checked.
            for extracted in record.values():
                extracted.findings.append(
                    Finding(code=Code.second_rater_failed, message=str(exc)[:200])
                )
            tally.trace.append(
                _step(tally, requests, usage, "second_rater", list(record), [], f"failed: {exc}")
            )
            return
        disagree = []
        for spec in self.form.fields:
            first, other = record[spec.name], second[spec.name]
            first.second_value = other.value
            if not values_agree(spec, first.value, other.value):
                disagree.append(spec.name)
                first.findings.append(
                    Finding(code=Code.raters_disagree, message="the second rater's value differs")
                )
            elif spec.judged and not same_model and _has_value(first):
                # Two different models reading the paper alike support a class that the
                # quote does not spell out; the same model twice proves little (it agreed
                # with itself on wrong classes as often as on right ones).
                first.findings = [f for f in first.findings if f.code != Code.class_terms_missing]
                if CLASS_TERMS not in first.checks_passed:
                    first.checks_passed = [*first.checks_passed, RATERS_AGREE]
        how = "same model, reversed context" if same_model else f"model {backend.model}"
        note = f"{how}; {len(disagree)} field(s) disagree"
        tally.trace.append(_step(tally, requests, usage, "second_rater", disagree, [], note))


# Findings the re-checks do not recompute: they stay on the value once made.
_STICKY_CODES = frozenset({Code.raters_disagree, Code.second_rater_failed, Code.followup_dropped})


def _has_value(extracted: Extracted[Any]) -> bool:
    return extracted.value not in (None, [])


def _reasons(
    record: Mapping[str, Extracted[Any]], *, only_recoverable: bool
) -> dict[str, list[str]]:
    out = {}
    for name, extracted in record.items():
        codes = [f.code for f in extracted.findings]
        if only_recoverable:
            codes = [c for c in codes if c in RECOVERABLE]
        if codes:
            out[name] = list(dict.fromkeys(codes))
    return out


MAX_FIELDS_PER_FOLLOWUP = 6  # a focused question: small models answer a few fields well


def _worst_first(
    record: Mapping[str, Extracted[Any]], asking: dict[str, list[str]]
) -> dict[str, list[str]]:
    """The fields a follow-up asks about: the most doubtful first (a value that failed a
    check before an absent one), at most MAX_FIELDS_PER_FOLLOWUP; the rest wait a round."""
    order = sorted(asking, key=lambda name: -_badness(record[name]))
    return {name: asking[name] for name in order[:MAX_FIELDS_PER_FOLLOWUP]}


def _badness(extracted: Extracted[Any]) -> int:
    """How much a reviewer would have to doubt a value: lower is better."""
    hard = [f for f in extracted.findings if f.code in RECOVERABLE]
    if not _has_value(extracted):
        return 1 + len(hard)
    return 0 if not hard else 2 + len(hard)


def _better(new: Extracted[Any], old: Extracted[Any]) -> bool:
    """Whether a follow-up's answer should replace the value it was asked about.

    The same value with better evidence (a quote now found, say) is taken when it leaves
    less to doubt. A different value in a field with role checks (arm, outcome, timepoint,
    pairs, group sizes, effects) is taken only if it passes strictly more of them and fails
    no more: a located quote alone is no reason, since another arm's number is located just
    as well. Other fields take the answer that leaves less to doubt."""
    if new.value == old.value:
        return _badness(new) < _badness(old)
    new_score, old_score = role_score(new), role_score(old)
    if new_score.passed or new_score.failed or old_score.passed or old_score.failed:
        return new_score.better_than(old_score)
    return _badness(new) < _badness(old)


def _passage_text(passages: list[Passage]) -> str:
    return GAP.join(f"[{p.where}{f', page {p.page}' if p.page else ''}] {p.text}" for p in passages)


def _negate(usage: TokenUsage) -> TokenUsage:
    return TokenUsage(
        prompt_tokens=-usage.prompt_tokens, completion_tokens=-usage.completion_tokens
    )


def _step(
    tally: Tally,
    requests: int,
    usage: TokenUsage,
    step: str,
    fields: Mapping[str, list[str]] | list[str],
    changed: list[str],
    note: str,
) -> TraceStep:
    return TraceStep(
        step=step,
        fields=list(fields),
        reasons=dict(fields) if isinstance(fields, Mapping) else {},
        changed=changed,
        requests=tally.requests - requests,
        usage=tally.usage + _negate(usage),
        note=note,
    )
