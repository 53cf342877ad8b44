"""A scripted model for the loopback server: it knows the right answers, sees only what
it is sent, and makes chosen first-pass mistakes.

It answers a field correctly (value plus the true quote) when the true quote is in the
prompt, and "not_reported" when it is not (the planner left that passage out). On the
first pass it can make one scripted mistake per (target, field): an invented quote, a
number its quote does not print, a count larger than its group, a wrong category. A
follow-up question (recognised by its wording) gets the careful answer. So the agent's
recovery can be measured against known truth, through the real `openai` client.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from doubles.openai_server import Reply, request_schema

FOLLOWUP_MARK = "A check of your earlier answer"
FAULTS = (
    "invented_quote",
    "number_not_in_quote",
    "events_over_group",
    "wrong_enum",
    "drops_value",  # answers "not reported" (a follow-up that gives up)
)
_OUTCOME = re.compile(r"^- outcome: (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Truth:
    value: Any
    quote: str | None = None  # None with a None value: not reported


@dataclass(frozen=True)
class Fault:
    """A first-pass mistake. `decoy` is the wrong answer the fault gives, when it needs
    one: a number printed elsewhere in the paper with its real quote (events_over_group:
    the number randomised, read as events), or the wrong category (wrong_enum)."""

    kind: str  # one of FAULTS
    decoy: Truth | None = None


@dataclass
class SimulatedModel:
    """`truth[outcome][field]`; `faults[(outcome, field)]` the first pass's mistake;
    `followup_faults` the same for follow-up answers (by default they are careful)."""

    truth: Mapping[str, Mapping[str, Truth]]
    faults: Mapping[tuple[str, str], Fault] = field(default_factory=dict)
    followup_faults: Mapping[tuple[str, str], Fault] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)  # "first" / "followup" per request

    def __call__(self, body: dict[str, Any]) -> Reply:
        schema = request_schema(body) or {}
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        followup = FOLLOWUP_MARK in prompt
        self.calls.append("followup" if followup else "first")
        found = _OUTCOME.search(prompt)
        outcome = found.group(1).strip() if found else ""
        answers = {}
        for name in schema.get("properties", {}):
            answer = self._careful(outcome, name, prompt)
            faults = self.followup_faults if followup else self.faults
            fault = faults.get((outcome, name))
            answers[name] = self._mistake(fault, name, answer, outcome) if fault else answer
        return Reply.ok(answers)

    def _careful(self, outcome: str, name: str, prompt: str) -> dict[str, Any]:
        truth = self.truth.get(outcome, {}).get(name, Truth(None))
        if truth.value is None or truth.quote is None or truth.quote not in prompt:
            return {"value": None, "status": "not_reported", "evidence": []}
        return {"value": truth.value, "status": "reported", "evidence": [{"quote": truth.quote}]}

    def _mistake(
        self, fault: Fault, name: str, answer: dict[str, Any], outcome: str
    ) -> dict[str, Any]:
        truth = self.truth[outcome][name]
        if fault.kind == "drops_value":
            return {"value": None, "status": "not_reported", "evidence": []}
        if fault.kind == "invented_quote":
            quote = f"Overall the value was {truth.value} in this trial."
            return {"value": truth.value, "status": "reported", "evidence": [{"quote": quote}]}
        if fault.kind == "number_not_in_quote":
            quote = truth.quote or ""
            return {"value": truth.value + 1, "status": "reported", "evidence": [{"quote": quote}]}
        if fault.kind in ("events_over_group", "wrong_enum") and fault.decoy is not None:
            decoy = fault.decoy
            return {"value": decoy.value, "status": "reported",
                    "evidence": [{"quote": decoy.quote or truth.quote or ""}]}  # fmt: skip
        raise ValueError(f"fault {fault!r} is not one this model can make")
