"""Outcome binding, timepoints and group sizes that keep another outcome's numbers out
(issue 23): each test shows the right value verified and a decoy of the same paper flagged."""

from __future__ import annotations

import pytest
from roles_helpers import (
    RCT,
    RoleCase,
    events_record,
    finding_codes,
    make_paper,
    make_table,
    means_record,
    triages,
)

from extractor.roles import RoleCode
from extractor.terms import durations, stem
from extractor.verify import verify_values

MEANS = (
    "intervention_mean",
    "intervention_standard_deviation",
    "comparator_mean",
    "comparator_standard_deviation",
)


BLOCKS = (
    "Results\nThe duration of sensory block was 703.83 ± 42.90 min in the clonidine group "
    "and 556.38 ± 37.96 min in the control group. The duration of motor block was "
    "621.67 ± 46.76 min in the clonidine group and 500.86 ± 44.58 min in the control group."
)


def test_a_sentence_naming_the_outcome_less_well_than_another_sentence_binds_no_outcome() -> None:
    # "duration of sensory block" names two of the three words of "duration of motor
    # block"; the sentence that names all three prints the motor block's numbers.
    paper = make_paper(BLOCKS)
    target = {
        "intervention": "clonidine",
        "comparator": "control",
        "outcome": "duration of motor block",
    }
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(621.67, 46.76, 500.86, 44.58))
    case.flags(
        means_record(703.83, 42.90, 556.38, 37.96), RoleCode.outcome_unbound, "intervention_mean"
    )


SIZES = ("intervention_group_size", "comparator_group_size")


def test_a_size_is_the_outcomes_where_any_print_of_its_events_names_the_outcome() -> None:
    # The events are printed first in a table row that does not name the outcome
    # ("Total"), then in the sentence on side effects, out of the numbers analysed.
    table = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"],
        ["Total", "12/58", "20/59"],
        caption="Table 3 Events",
    )
    paper = make_paper(
        "Results\nSide effects were reported by 12/58 in the aspirin group and 20/59 in the "
        "placebo group.",
        table,
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "side effects"}
    right = verify_values(RCT, events_record(12, 58, 20, 59), paper, target)
    assert {right[n].triage.value for n in SIZES} == {"verified"}, [
        right[n].findings for n in SIZES
    ]
    # The randomised sizes are not the numbers the outcome was counted out of.
    decoy = verify_values(RCT, events_record(12, 60, 20, 61), paper, target)
    assert RoleCode.group_size_mismatch in finding_codes(decoy, "intervention_group_size")
    assert {decoy[n].triage.value for n in SIZES} == {"check"}


PAIN = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pain score"}


def test_a_change_from_baseline_is_no_baseline_but_the_baseline_stays_flagged() -> None:
    # "Mean change from baseline" beside "Mean baseline": the baseline column is no rival
    # of the change; for the baseline value the change column still is.
    table = make_table(
        ["", "Aspirin", "Aspirin", "Placebo", "Placebo"],
        [
            "",
            "Mean baseline",
            "Mean change from baseline",
            "Mean baseline",
            "Mean change from baseline",
        ],
        ["Pain score", "20.1 (1.0)", "−7.5 (1.4)", "19.9 (1.1)", "−3.1 (1.3)"],
        header_rows=2,
    )
    paper = make_paper("Results\nSee Table 2.", table)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(-7.5, 1.4, -3.1, 1.3))
    case.flags(
        means_record(20.1, 1.0, 19.9, 1.1), RoleCode.timepoint_ambiguous, "intervention_mean"
    )


ARMS = ["", "Aspirin (n = 60)", "Placebo (n = 61)"]


def test_another_tables_caption_says_its_rows_are_the_baseline() -> None:
    # The row printed again in Table 1 "at baseline" is no rival of Table 2's changes,
    # unless the target names the baseline.
    baseline = make_table(
        ARMS,
        ["Pain score", "20.1 (3.2)", "19.8 (3.5)"],
        caption="Table 1 Characteristics at baseline",
    )
    changes = make_table(
        ARMS,
        ["Pain score", "−7.5 (1.4)", "−3.1 (1.3)"],
        caption="Table 2 Changes in outcomes from week 0 to week 12",
    )
    paper = make_paper("Results\nSee the tables.", baseline, changes)
    right = verify_values(RCT, means_record(-7.5, 1.4, -3.1, 1.3), paper, PAIN)
    assert triages(right, MEANS) == {"verified"}, [right[n].findings for n in MEANS]
    at_baseline = verify_values(RCT, means_record(20.1, 3.2, 19.8, 3.5), paper, PAIN)
    assert RoleCode.timepoint_ambiguous in finding_codes(at_baseline, "intervention_mean")
    # "baseline pain score": the change is not what the target names.
    target = {**PAIN, "outcome": "baseline pain score"}
    wrong = verify_values(RCT, means_record(-7.5, 1.4, -3.1, 1.3), paper, target)
    assert RoleCode.timepoint_ambiguous in finding_codes(wrong, "intervention_mean")
    assert triages(wrong, MEANS) == {"check"}
    assert triages(
        verify_values(RCT, means_record(20.1, 3.2, 19.8, 3.5), paper, target), MEANS
    ) == {"verified"}


def test_a_lone_number_beside_a_mean_sd_is_no_other_timepoint_of_it() -> None:
    # The parser ran "P value" into the placebo header: the p-value column reads as the
    # placebo arm's, but a lone number is no mean (SD) of another timepoint.
    head = [
        ["", "Aspirin (n = 60)", "Placebo (n = 61)", "Placebo (n = 61)"],
        ["", "", "", "P value"],
    ]
    table = make_table(*head, ["Pain score", "12.3 (4.5)", "14.1 (5.2)", "0.626"], header_rows=2)
    record = verify_values(
        RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper("R\nx.", table), PAIN
    )
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    # A mean (SD) in that column is the placebo arm again, at another time: flagged.
    head[1][3] = "Week 24"
    table = make_table(
        *head, ["Pain score", "12.3 (4.5)", "14.1 (5.2)", "13.0 (4.9)"], header_rows=2
    )
    record = verify_values(
        RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper("R\nx.", table), PAIN
    )
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "comparator_mean")


def test_an_sd_printed_as_a_standard_error_is_the_se_times_the_root_of_n() -> None:
    # "Mean (SE)": the SD is not printed, SE × √n gives it; a quoted SE is no SD.
    table = make_table(
        ["", "Aspirin (n = 40)", "Placebo (n = 40)"],
        ["Pain score", "12.30 (0.71)", "14.10 (0.82)"],
        caption="Table 2 Outcomes at week 12, mean (SE)",
    )
    paper = make_paper("Results\nSee Table 2.", table)
    sizes = {"intervention_group_size": 40, "comparator_group_size": 40}
    right = verify_values(RCT, {**means_record(12.3, 4.49, 14.1, 5.19), **sizes}, paper, PAIN)
    assert triages(right, MEANS) == {"verified"}, [right[n].findings for n in MEANS]
    quoted_se = verify_values(RCT, {**means_record(12.3, 0.71, 14.1, 0.82), **sizes}, paper, PAIN)
    assert RoleCode.pair_mismatch in finding_codes(quoted_se, "intervention_standard_deviation")
    assert quoted_se["intervention_standard_deviation"].triage.value == "check"


@pytest.mark.parametrize(
    ("n", "sd"),
    [
        (592, 15.64),  # a large arm: √592 × (57.17 − 54.65) / 3.92
        (20, 4.27),  # a small arm: the Handbook's t on 19 degrees of freedom (2.093)
        (20, 4.56),  # ... or 1.96 all the same, as many reviewers compute it
    ],
)
def test_an_sd_given_as_the_95_ci_of_the_mean_is_derived_with_n(n: int, sd: float) -> None:
    # "mean (95% CI)": SD = √n × (high − low) / (2 × t); the reviewer sees it was derived
    low, high = (54.65, 57.17) if n > 60 else (10.0, 14.0)
    mean = round((low + high) / 2, 2)
    table = make_table(
        ["", f"Aspirin (n = {n}) mean (95% CI)", f"Placebo (n = {n}) mean (95% CI)"],
        ["Pain score", f"{mean:.2f} ({low:.2f}, {high:.2f})", "30.00 (29.00, 31.00)"],
        header_rows=1,
    )
    paper = make_paper("Results\nSee Table 2.", table)
    sizes = {"intervention_group_size": n, "comparator_group_size": n}
    spread = round(n**0.5 * 2.0 / 3.92, 2)
    right = verify_values(RCT, {**means_record(mean, sd, 30.0, spread), **sizes}, paper, PAIN)
    assert triages(right, MEANS) == {"verified"}, [right[m].findings for m in MEANS]
    assert "derived" in right["intervention_standard_deviation"].checks_passed
    assert "derived" not in right["intervention_mean"].checks_passed
    formula = right["intervention_standard_deviation"].derivation or ""
    assert formula.startswith("SD from a 95% CI") and f"√{n} × ({high:g} − {low:g})" in formula
    assert right["intervention_mean"].derivation is None
    wrong = verify_values(RCT, {**means_record(mean, 1.5, 30.0, spread), **sizes}, paper, PAIN)
    assert wrong["intervention_standard_deviation"].triage.value == "check"


def test_an_sd_given_as_a_ci_in_a_sentence_with_its_level() -> None:
    # "61.07 (95% CI 55.42–66.71)": the level printed inside the parenthesis
    text = (
        "Results\nThe pain score of women in the aspirin group was 61.07 (95% CI 55.42–66.71) "
        "compared to 63.27 (95% CI 58.28–68.25) in the placebo group (p = 0.54)."
    )
    sizes = {"intervention_group_size": 110, "comparator_group_size": 95}
    sds = ("intervention_standard_deviation", "comparator_standard_deviation")
    case = RoleCase(make_paper(text), PAIN, sds)
    record = case.verifies({**means_record(61.07, 30.21, 63.27, 24.79), **sizes})
    assert "derived" in record["comparator_standard_deviation"].checks_passed
    case.flags({**means_record(61.07, 24.79, 63.27, 30.21), **sizes})


def test_a_range_or_an_iqr_beside_the_mean_gives_no_sd() -> None:
    # "median (IQR)": the same three numbers, but no CI; the SD a CI would give is no SD
    table = make_table(
        ["", "Aspirin (n = 592) median (IQR)", "Placebo (n = 592) median (IQR)"],
        ["Pain score", "55.91 (54.65, 57.17)", "30.00 (29.00, 31.00)"],
        header_rows=1,
    )
    paper = make_paper("Results\nSee Table 2.", table)
    sizes = {"intervention_group_size": 592, "comparator_group_size": 592}
    record = verify_values(RCT, {**means_record(55.91, 15.64, 30.0, 12.41), **sizes}, paper, PAIN)
    assert record["intervention_standard_deviation"].triage.value == "check"


def test_pre_and_post_columns_are_the_baseline_and_the_end() -> None:
    # "Pre: Mean (SD)" beside "Post: Mean (SD)" under each arm: the pre column is no
    # rival of the post value; the pre value itself stays flagged.
    table = make_table(
        ["Variables", "Aspirin", "Aspirin", "Placebo", "Placebo"],
        ["", "Pre: Mean (SD)", "Post: Mean (SD)", "Pre: Mean (SD)", "Post: Mean (SD)"],
        ["Pain score", "20.1 (3.2)", "12.3 (4.5)", "19.8 (3.5)", "14.1 (5.2)"],
        header_rows=2,
    )
    paper = make_paper("Results\nSee Table 2.", table)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(
        means_record(20.1, 3.2, 19.8, 3.5), RoleCode.timepoint_ambiguous, "intervention_mean"
    )


def test_a_row_named_by_its_time_takes_its_outcome_from_the_caption() -> None:
    # "Pre" and "Post" rows under "Table 3 Pain score": the caption names the outcome,
    # the rows their times; the pre row is the post row's baseline, not a rival.
    pain = make_table(
        ARMS,
        ["Pre", "20.1 (3.2)", "19.8 (3.5)"],
        ["Post", "12.3 (4.5)", "14.1 (5.2)"],
        caption="Table 3 Pain score",
    )
    nausea = make_table(
        ARMS,
        ["Pre", "7.9 (2.1)", "8.2 (2.4)"],
        ["Post", "5.0 (1.9)", "7.7 (2.2)"],
        caption="Table 4 Nausea",
    )
    paper = make_paper("Results\nSee the tables.", pain, nausea)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(
        means_record(20.1, 3.2, 19.8, 3.5), RoleCode.timepoint_ambiguous, "intervention_mean"
    )
    case.flags(means_record(5.0, 1.9, 7.7, 2.2), RoleCode.outcome_unbound, "intervention_mean")


def test_an_abbreviation_defined_in_a_glossary_names_its_outcome() -> None:
    # "DPP IV, dipeptidyl peptidase-4; IL, interleukin": the row "DPP IV" is the target's
    # "Dipeptidyl peptidase-4"; the row "IL-2" is not.
    table = make_table(
        ["", "Vitamin D (n = 40)", "Placebo (n = 40)"],
        ["DPP IV", "6032.4 (214.9)", "6408.3 (288.1)"],
        ["IL-2", "4.49 (2.11)", "28.69 (16.29)"],
        caption="Table 2 Serum levels after 6 weeks, mean (SD)",
    )
    paper = make_paper(
        "Results\nSee Table 2.\n\nAbbreviations: DPP IV, dipeptidyl peptidase-4; IL, interleukin.",
        table,
    )
    target = {
        "intervention": "vitamin D",
        "comparator": "placebo",
        "outcome": "Dipeptidyl peptidase-4",
    }
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(6032.4, 214.9, 6408.3, 288.1))
    case.flags(
        means_record(4.49, 2.11, 28.69, 16.29), RoleCode.outcome_unbound, "intervention_mean"
    )


def test_a_sentence_saying_patients_died_names_mortality() -> None:
    paper = make_paper(
        "Results\nOne year after surgery, 45 patients in the aspirin group compared to 58 "
        "patients in the placebo group had died (p = 0.19). Nausea was reported by 30 "
        "patients in the aspirin group and 41 in the placebo group."
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "overall mortality"}
    values = {"outcome_type": "binary", "intervention_events": 45, "comparator_events": 58}
    right = verify_values(RCT, values, paper, target)
    assert right["intervention_events"].triage.value == "verified", right["intervention_events"]
    other = {"outcome_type": "binary", "intervention_events": 30, "comparator_events": 41}
    decoy = verify_values(RCT, other, paper, target)
    assert RoleCode.outcome_unbound in finding_codes(decoy, "intervention_events")
    assert decoy["intervention_events"].triage.value == "check"


def test_one_sexs_figures_do_not_bind_the_other_sexs_subgroup_outcome() -> None:
    # "Males in the intervention group had ... 72.49 ... compared to 71.71 ... in the control
    # group": the men's figures; a target about women must not take them.
    paper = make_paper(
        "Results\nThe global HRQoL after 12 months of women in the intervention group was"
        " 61.07 (95% CI 55.42-66.71) compared to 63.27 (95% CI 58.28-68.25) in the control"
        " group (p = 0.54). Males in the intervention group had a mean global HRQoL after"
        " 12 months of 72.49 (95% CI 69.34-75.65) compared to 71.71 (95% CI 68.21-75.20) in"
        " the control group (p = 0.94)."
    )
    arms = {"intervention": "intervention group", "comparator": "control group"}
    women = {**arms, "outcome": "global HRQoL at 12 months - females"}
    men = {**arms, "outcome": "global HRQoL at 12 months - males"}
    names = ("intervention_mean", "comparator_mean")
    values = {"outcome_type": "continuous", "intervention_mean": 72.49, "comparator_mean": 71.71}
    right = verify_values(RCT, values, paper, men)
    assert {right[n].triage.value for n in names} == {"verified"}, [
        right[n].findings for n in names
    ]
    wrong = verify_values(RCT, values, paper, women)
    assert RoleCode.outcome_unbound in finding_codes(wrong, "intervention_mean")


def test_words_of_one_stem_name_the_outcome_and_another_rows_words_do_not() -> None:
    # "colonic" and "colon" are one word to the stemmer: the colon's row names "colonic
    # transit time" better than the whole gut's row, whose numbers are another outcome's.
    table = make_table(
        ["", "Maltodextrin (n = 33)", "Placebo (n = 33)"],
        ["Colon transit time (h)", "39.7 ± 22.3", "48.0 ± 25.0"],
        ["Whole gut transit time (h)", "52.1 ± 20.4", "60.3 ± 21.9"],
        header_rows=1,
    )
    paper = make_paper("Results\nSee Table 2.", table)
    target = {"intervention": "maltodextrin", "comparator": "placebo",
              "outcome": "colonic transit time"}  # fmt: skip
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(39.7, 22.3, 48.0, 25.0))
    case.flags(means_record(52.1, 20.4, 60.3, 21.9), RoleCode.outcome_unbound, "intervention_mean")


def test_the_test_of_an_outcomes_name_names_no_pre_test_column() -> None:
    # "agility test" shares "test" with "Pre-test", which is one word ("pretest"): the
    # pre-test column is no column the target names, and its values stay flagged.
    table = make_table(
        ["Variables", "Pre-test; Intervention (control)", "Follow up after 4 months; "
         "Intervention (control)"],
        ["Agility", "15.58±1.89 (13.78±1.17)", "13.21±1.44 (13.80±1.14)"],
        header_rows=1,
    )  # fmt: skip
    paper = make_paper("Results\nSee Table 2.", table)
    target = {"intervention": "motivational interviewing", "comparator": "standard education",
              "outcome": "agility test"}  # fmt: skip
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(13.21, 1.44, 13.80, 1.14))
    case.flags(
        means_record(15.58, 1.89, 13.78, 1.17), RoleCode.timepoint_ambiguous, "intervention_mean"
    )


def test_words_of_one_stem_meet_across_inflections_and_medical_suffixes() -> None:
    # Snowball's stems, and a noun in -ia with its adjective in -ic: one word to the checks.
    for first, second in [("colonic", "colon"), ("tests", "test"), ("glycemia", "glycemic"),
                          ("ischemia", "ischemic"), ("analgesia", "analgesic")]:  # fmt: skip
        assert stem(first) == stem(second), (first, second)
    assert stem("media") == "media"  # a short word keeps its -ia


def test_category_rows_take_the_outcome_from_the_effect_row_above() -> None:
    # "Severe" under "Severity of respiratory disease" (a row printing only the effect)
    table = make_table(
        ["Outcome", "Progesterone n = 406", "Placebo n = 393", "Effect (95% CI)"],
        ["Neonatal RDS", "42/402 (10.5)", "41/388 (10.6)", "0.99 (0.65–1.51)"],
        ["Severity of respiratory disease", "", "", "1.03 (0.69–1.53)"],
        ["Nil", "338/402 (84.1)", "327/388 (84.3)", ""],
        ["Severe", "8/402 (2.0)", "7/388 (1.8)", ""],
        header_rows=1,
    )
    target = {"intervention": "vaginal progesterone", "comparator": "placebo",
              "outcome": "severity of any neonatal respiratory disease"}  # fmt: skip
    case = RoleCase(
        make_paper("R\nx.", table), target, ("intervention_events", "comparator_events")
    )
    case.verifies(events_record(8, 402, 7, 388))
    case.flags(events_record(42, 402, 41, 388), RoleCode.outcome_unbound, "intervention_events")


def test_the_introduction_and_a_scale_description_are_no_rival_sentences() -> None:
    # The introduction names the outcome in full with another study's numbers, the
    # abstract describes its "4-point scale"; the results sentence names it less fully
    # ("withdrawal response", not "of rocuronium") and is the values' place.
    text = (
        "Abstract\nWithdrawal responses after injection of rocuronium were graded on a "
        "4-point scale.\n\n"
        "Introduction\nMuscle relaxants are widely used. Rocuronium produces a withdrawal "
        "response in 50-80% of patients.\n\n"
        "Results\nThe incidence of withdrawal response was 87% (26/30) in the saline group "
        "and 20% (6/30) in the lidocaine group."
    )
    target = {"intervention": "lidocaine", "comparator": "saline",
              "outcome": "withdrawal response of rocuronium"}  # fmt: skip
    case = RoleCase(make_paper(text), target, ("intervention_events", "comparator_events"))
    case.verifies(events_record(6, 30, 26, 30))
    case.flags(events_record(26, 30, 6, 30), RoleCode.arm_mismatch, "intervention_events")


@pytest.mark.parametrize(
    "rows",
    [
        # rows labelled by their time under the outcome's row, or naming both
        [["Nausea", "", ""], ["At 6 h", "12 (20)", "20 (33)"], ["At 24 h", "5 (8)", "9 (15)"]],
        [["Nausea at 6 h", "12 (20)", "20 (33)"], ["Nausea at 24 h", "5 (8)", "9 (15)"]],
    ],
)
def test_a_target_naming_its_time_picks_the_row_of_that_time(rows: list[list[str]]) -> None:
    table = make_table(["", "Aspirin (n = 60)", "Placebo (n = 61)"], *rows, header_rows=1)
    paper = make_paper("R\nx.", table)
    events = ("intervention_events", "comparator_events")
    at_24 = {"intervention": "aspirin", "comparator": "placebo", "outcome": "nausea at 24 h"}
    case = RoleCase(paper, at_24, events)
    case.verifies(events_record(5, 60, 9, 61))
    case.flags(events_record(12, 60, 20, 61))
    # a target naming no time: which row is not said
    any_time = RoleCase(paper, {**at_24, "outcome": "nausea"}, events)
    any_time.flags(events_record(5, 60, 9, 61), RoleCode.timepoint_ambiguous, "intervention_events")


def test_events_a_table_prints_only_as_their_share_are_derived_with_n() -> None:
    # "Stone-free rate | 100% | 80%" with n = 22 and 20: 22 and 16 events, derived
    table = make_table(
        ["", "TPLU group (n = 22)", "F-URS group (n = 20)"],
        ["Stone-free rate", "100%", "80%"],
        ["Re-treatment rate", "0%", "20%"],
        header_rows=1,
    )
    target = {"intervention": "TPLU", "comparator": "F-URS", "outcome": "stone-free rate"}
    events = ("intervention_events", "comparator_events")
    case = RoleCase(make_paper("R\nx.", table), target, events)
    record = case.verifies(events_record(22, 22, 16, 20))
    assert "derived" in record["comparator_events"].checks_passed
    assert record["comparator_events"].derivation == (
        "events from a percentage of N: events = round(80% × 20) = 16"
    )
    case.flags(events_record(16, 22, 22, 20))  # swapped: 16 is 72.7 % of 22, not 100 %


def test_a_share_that_allows_several_counts_confirms_none() -> None:
    # 2.3 % of 7726 is any count from 174 to 181: no one count is derived
    table = make_table(
        ["", "Sitagliptin (n = 7726)", "Comparator (n = 6885)"],
        ["Constipation", "2.3%", "1.8%"],
        header_rows=1,
    )
    target = {"intervention": "sitagliptin", "comparator": "comparator",
              "outcome": "constipation"}  # fmt: skip
    record = verify_values(RCT, events_record(178, 7726, 124, 6885), make_paper("R\nx.", table),
                           target)  # fmt: skip
    assert record["intervention_events"].triage.value == "check"


def test_a_sentence_share_gives_no_events() -> None:
    # a sentence's percentages are of many things: no events are derived from them
    text = "Results\nNausea occurred in 20% of the aspirin group and 33% of the placebo group."
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "nausea"}
    record = verify_values(RCT, events_record(12, 60, 20, 61), make_paper(text), target)
    assert record["intervention_events"].triage.value == "check"


def test_a_column_named_week_12_is_the_12_week_timepoint() -> None:
    # "Week 12" (unit first, as tables head their columns) is the target's "at 12 weeks"
    table = make_table(
        ["", "Aspirin", "Aspirin", "Placebo", "Placebo"],
        ["", "Week 6", "Week 12", "Week 6", "Week 12"],
        ["Pain score", "15.1 ± 3.2", "12.3 ± 4.5", "16.8 ± 3.5", "14.1 ± 5.2"],
        header_rows=2,
    )
    target = {**PAIN, "outcome": "pain score at 12 weeks"}
    case = RoleCase(make_paper("R\nx.", table), target, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(15.1, 3.2, 16.8, 3.5))


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("Week 12", "12w"),
        ("at week 12", "12w"),
        ("Month 6", "6mo"),
        ("Day 28", "28d"),
        ("12 weeks", "12w"),
        ("12-week", "12w"),
    ],
)
def test_a_time_reads_the_same_whichever_comes_first(text: str, token: str) -> None:
    assert durations(text) == {token}
