"""Small rct_outcomes studies built in code, for behaviour tests."""

from __future__ import annotations

from typing import Any

from eval.synthesis.roles import effect_roles
from eval.synthesis.studies import Study
from schemas.registry import load_form

FORM = load_form("rct_outcomes")
ROLES = effect_roles(FORM)
assert ROLES is not None


def binary_study(
    paper: str,
    target: str,
    ai: Any,
    n1: Any,
    ci: Any,
    n2: Any,
    *,
    triage: str = "",
    outcome="death",
) -> Study:
    values = {
        "outcome_type": "binary",
        "intervention_events": ai,
        "intervention_group_size": n1,
        "comparator_events": ci,
        "comparator_group_size": n2,
    }
    return _study(paper, target, values, triage, outcome)


def continuous_study(
    paper: str, target: str, m1, sd1, n1, m2, sd2, n2, *, triage: str = "", outcome="pain"
) -> Study:
    values = {
        "outcome_type": "continuous",
        "intervention_mean": m1,
        "intervention_standard_deviation": sd1,
        "intervention_group_size": n1,
        "comparator_mean": m2,
        "comparator_standard_deviation": sd2,
        "comparator_group_size": n2,
    }
    return _study(paper, target, values, triage, outcome)


def _study(paper: str, target: str, values: dict, triage: str, outcome: str) -> Study:
    # triage "" means gold (no triage at all); otherwise every field gets it, grounded.
    triage_map = {k: triage for k in values} if triage else {}
    grounded = {k: True for k in values} if triage else {}
    labels = {"intervention": "drug", "comparator": "placebo", "outcome": outcome}
    return Study(paper, target, labels, values, triage_map, grounded)
