"""Built-in form `rct_outcomes`: the numbers needed to pool an RCT outcome.

Targeted: one record per (intervention, comparator, outcome) target. Field
names follow `shared/forms/rct_outcomes.md` and Yun et al. 2024.

Version 1.1 keeps every 1.0 field and its meaning (`CORE_FIELDS`: copy only, an SE is
not an SD) and adds optional fields for what the paper prints instead (`PRINTED_FIELDS`):
per arm a median, how the spread is printed (SD | SE | 95% CI | IQR | range), a standard
error, the low and high ends of a printed CI, IQR or range, and events as a percentage of
N; per target a mean difference with its 95% CI. Each applies only when the pooled
number it stands in for is empty, so it never sends the agent back for nothing.
`synthesize` derives the pooled numbers from them (schemas/printed.py, schemas/derive.py)
and marks every derived value.
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


# The printed form applies only where the pooled number is not printed as such: an empty
# printed-form field is then the usual case, and never sends the agent back to the paper.
def _unless(core: str, kind: str = _CONTINUOUS) -> str:
    return f"{kind} and {core} == None"


def _unless_either(a: str, b: str) -> str:
    return f"{_CONTINUOUS} and ({a} == None or {b} == None)"


_I_SPREAD = _unless_either("intervention_mean", "intervention_standard_deviation")
_C_SPREAD = _unless_either("comparator_mean", "comparator_standard_deviation")
_MD = _unless_either("intervention_standard_deviation", "comparator_standard_deviation")
RULES = (
    "intervention_events <= intervention_group_size",
    "comparator_events <= comparator_group_size",
    "intervention_events >= 0",
    "comparator_events >= 0",
    "intervention_group_size > 0",
    "comparator_group_size > 0",
    "intervention_standard_deviation > 0",
    "comparator_standard_deviation > 0",
    # the printed form (optional fields below)
    "intervention_standard_error > 0",
    "comparator_standard_error > 0",
    "intervention_spread_low <= intervention_spread_high",
    "comparator_spread_low <= comparator_spread_high",
    "0 <= intervention_events_percent <= 100",
    "0 <= comparator_events_percent <= 100",
    "mean_difference_ci_low <= mean_difference_ci_high",
)

SpreadType = Literal["SD", "SE", "95% CI", "IQR", "range"]
_SPREAD_CHOICES = {
    "SD": "standard deviation",
    "SE": "standard error",
    "95% CI": "95% CI of the mean",
    "IQR": "first to third quartile",
    "range": "minimum to maximum",
}


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
        # The printed form, when it is not a mean and SD or a count (optional; synthesis
        # derives the numbers above from these, and marks them derived).
        "med1i": "intervention_median",
        "med2i": "comparator_median",
        "spread1i": "intervention_spread_type",
        "spread2i": "comparator_spread_type",
        "se1i": "intervention_standard_error",
        "se2i": "comparator_standard_error",
        "lo1i": "intervention_spread_low",
        "hi1i": "intervention_spread_high",
        "lo2i": "comparator_spread_low",
        "hi2i": "comparator_spread_high",
        "pct1i": "intervention_events_percent",
        "pct2i": "comparator_events_percent",
        "md": "mean_difference",
        "md_lo": "mean_difference_ci_low",
        "md_hi": "mean_difference_ci_high",
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
    # -- As printed (optional): what the paper gives when it is not a mean with an SD, or
    # a count. Copied, never converted; `synthesize --derive` does the arithmetic.
    intervention_median: float | None = form_field(
        "median, intervention group (when printed instead of a mean)",
        group="printed",
        applies_when=_unless("intervention_mean"),
        **_NUMBER_TOLERANCE,
    )
    comparator_median: float | None = form_field(
        "median, comparator group (when printed instead of a mean)",
        group="printed",
        applies_when=_unless("comparator_mean"),
        **_NUMBER_TOLERANCE,
    )
    intervention_spread_type: SpreadType | None = form_field(
        "how the intervention group's spread is printed",
        group="printed",
        applies_when=_I_SPREAD,
        choice_definitions=_SPREAD_CHOICES,
    )
    comparator_spread_type: SpreadType | None = form_field(
        "how the comparator group's spread is printed",
        group="printed",
        applies_when=_C_SPREAD,
        choice_definitions=_SPREAD_CHOICES,
    )
    intervention_standard_error: float | None = form_field(
        "standard error of the intervention group's mean, as printed",
        group="printed",
        applies_when=_I_SPREAD,
        **_NUMBER_TOLERANCE,
    )
    comparator_standard_error: float | None = form_field(
        "standard error of the comparator group's mean, as printed",
        group="printed",
        applies_when=_C_SPREAD,
        **_NUMBER_TOLERANCE,
    )
    intervention_spread_low: float | None = form_field(
        "intervention group: low end of the printed 95% CI, IQR or range",
        group="printed",
        applies_when=_I_SPREAD,
        **_NUMBER_TOLERANCE,
    )
    intervention_spread_high: float | None = form_field(
        "intervention group: high end of the printed 95% CI, IQR or range",
        group="printed",
        applies_when=_I_SPREAD,
        **_NUMBER_TOLERANCE,
    )
    comparator_spread_low: float | None = form_field(
        "comparator group: low end of the printed 95% CI, IQR or range",
        group="printed",
        applies_when=_C_SPREAD,
        **_NUMBER_TOLERANCE,
    )
    comparator_spread_high: float | None = form_field(
        "comparator group: high end of the printed 95% CI, IQR or range",
        group="printed",
        applies_when=_C_SPREAD,
        **_NUMBER_TOLERANCE,
    )
    intervention_events_percent: float | None = form_field(
        "percent of the intervention group with the event (when printed instead of a count)",
        group="printed",
        applies_when=_unless("intervention_events", _BINARY),
        tolerance_abs=0.05,
    )
    comparator_events_percent: float | None = form_field(
        "percent of the comparator group with the event (when printed instead of a count)",
        group="printed",
        applies_when=_unless("comparator_events", _BINARY),
        tolerance_abs=0.05,
    )
    mean_difference: float | None = form_field(
        "printed difference in means (intervention minus comparator)",
        group="printed",
        applies_when=_MD,
        **_NUMBER_TOLERANCE,
    )
    mean_difference_ci_low: float | None = form_field(
        "low end of the 95% CI of that difference",
        group="printed",
        applies_when=_MD,
        **_NUMBER_TOLERANCE,
    )
    mean_difference_ci_high: float | None = form_field(
        "high end of the 95% CI of that difference",
        group="printed",
        applies_when=_MD,
        **_NUMBER_TOLERANCE,
    )


# The fields of form 1.0, which Yun et al.'s gold fills; the rest (1.1) record the printed
# form, which that gold does not hold (its annotators did the arithmetic by hand).
CORE_FIELDS = (
    "outcome_type",
    "intervention_events",
    "intervention_group_size",
    "comparator_events",
    "comparator_group_size",
    "intervention_mean",
    "intervention_standard_deviation",
    "comparator_mean",
    "comparator_standard_deviation",
)
PRINTED_FIELDS = tuple(f for f in RctOutcomes.model_fields if f not in CORE_FIELDS)

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
    version="1.1",  # 1.1: optional printed-form fields; the 1.0 fields are unchanged
    targeted=True,
    headline_groups=HEADLINE_GROUPS,
    rules=RULES,
    guidance=(
        "Convert nothing: a standard error or a confidence interval is not a standard "
        "deviation; then the SD is null with status unclear, and the quote is kept. "
        "Record what is printed in the printed-form fields instead (median, spread type, "
        "standard error, spread low/high, events percent, mean difference and its CI). "
        "Report the numbers for the named target only."
    ),
)
