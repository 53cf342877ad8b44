"""Built-in form `rct_outcomes`: the numbers needed to pool an RCT outcome.

Targeted: one record per (intervention, comparator, outcome) target. Field
names follow `shared/forms/rct_outcomes.md` and Yun et al. 2024.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from schemas.form import Form, HeadlineGroups, form_field

# Means and SDs match when equal after rounding to the printed precision.
_NUMBER_TOLERANCE = {"tolerance_abs": 0.005, "tolerance_rel": 0.005}


# Events apply to binary outcomes, means and SDs to continuous ones: an empty field that
# does not apply needs no review, and a value where it does not apply is flagged.
_BINARY = 'outcome_type == "binary"'
_CONTINUOUS = 'outcome_type == "continuous"'
RULES = (
    "intervention_events <= intervention_group_size",
    "comparator_events <= comparator_group_size",
    "intervention_events >= 0",
    "comparator_events >= 0",
    "intervention_group_size > 0",
    "comparator_group_size > 0",
    "intervention_standard_deviation > 0",
    "comparator_standard_deviation > 0",
)


class RctOutcomes(BaseModel):
    """Outcome data of one intervention-comparator-outcome target of a randomised trial."""

    model_config = ConfigDict(extra="forbid")

    # Which field plays which part in an effect size, named as metafor's escalc names its
    # arguments; `litextract synthesize` reads this, so any form declaring it can be pooled.
    effect_roles: ClassVar[dict[str, str]] = {
        "outcome_type": "outcome_type",
        "ai": "intervention_events",
        "n1i": "intervention_group_size",
        "ci": "comparator_events",
        "n2i": "comparator_group_size",
        "m1i": "intervention_mean",
        "sd1i": "intervention_standard_deviation",
        "m2i": "comparator_mean",
        "sd2i": "comparator_standard_deviation",
    }

    outcome_type: Literal["binary", "continuous"] | None = form_field(
        "binary (events out of a group) or continuous (mean and spread)",
        group="outcome",
        choice_definitions={
            "binary": "participants with or without an event, counted per group",
            "continuous": "a measured quantity summarised by mean and standard deviation",
        },
        judged=True,
    )
    intervention_events: int | None = form_field(
        "binary outcomes: participants with the event in the intervention group",
        group="outcome",
        applies_when=_BINARY,
    )
    intervention_group_size: int | None = form_field(
        "participants analysed in the intervention group", group="outcome"
    )
    comparator_events: int | None = form_field(
        "binary outcomes: participants with the event in the comparator group",
        group="outcome",
        applies_when=_BINARY,
    )
    comparator_group_size: int | None = form_field(
        "participants analysed in the comparator group", group="outcome"
    )
    intervention_mean: float | None = form_field(
        "continuous outcomes: mean in the intervention group",
        group="outcome",
        applies_when=_CONTINUOUS,
        **_NUMBER_TOLERANCE,
    )
    intervention_standard_deviation: float | None = form_field(
        "continuous outcomes: standard deviation in the intervention group",
        group="outcome",
        applies_when=_CONTINUOUS,
        **_NUMBER_TOLERANCE,
    )
    comparator_mean: float | None = form_field(
        "continuous outcomes: mean in the comparator group",
        group="outcome",
        applies_when=_CONTINUOUS,
        **_NUMBER_TOLERANCE,
    )
    comparator_standard_deviation: float | None = form_field(
        "continuous outcomes: standard deviation in the comparator group",
        group="outcome",
        applies_when=_CONTINUOUS,
        **_NUMBER_TOLERANCE,
    )


# Yun et al. (2024): a record counts only when all of its numbers match, per outcome type.
HEADLINE_GROUPS = HeadlineGroups(
    by="outcome_type",
    groups={
        "binary": (
            "intervention_events",
            "intervention_group_size",
            "comparator_events",
            "comparator_group_size",
        ),
        "continuous": (
            "intervention_mean",
            "intervention_standard_deviation",
            "intervention_group_size",
            "comparator_mean",
            "comparator_standard_deviation",
            "comparator_group_size",
        ),
    },
)

FORM = Form.from_model(
    RctOutcomes,
    name="rct_outcomes",
    version="1.0",
    targeted=True,
    headline_groups=HEADLINE_GROUPS,
    rules=RULES,
    guidance=(
        "Convert nothing: a standard error or a confidence interval is not a standard "
        "deviation; then the SD is null with status unclear, and the quote is kept. "
        "Report the numbers for the named target only."
    ),
)
