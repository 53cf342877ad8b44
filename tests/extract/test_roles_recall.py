"""Role checks that let right values through without letting decoys in (issue 23).

Each rule here relaxes a check that flagged right values; each test shows the right value
now verified *and* the wrong value of the same kind (a decoy) still flagged.
"""

from __future__ import annotations

import pytest
from doubles.documents import make_document
from roles_helpers import (
    RCT,
    RoleCase,
    finding_codes,
    make_paper,
    make_table,
    means_record,
    triages,
)

from extractor.document import Table
from extractor.roles import Arms, RoleCode
from extractor.verify import verify_values

PAIN = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pain score"}


MEANS = ("intervention_mean", "intervention_standard_deviation", "comparator_mean")


ARM_COLUMNS = ["", "Aspirin (n = 60)", "Placebo (n = 61)"]


def test_a_row_printed_again_with_the_same_values_is_no_other_timepoint() -> None:
    # Table 3 repeats Table 2's row with a p-value: the same measurement, printed twice.
    main = make_table(ARM_COLUMNS, ["Pain score", "12.3 ± 4.5", "14.1 ± 5.2"])
    summary = make_table(
        [*ARM_COLUMNS, "P"],
        ["Pain score", "12.3 ± 4.5", "14.1 ± 5.2", "0.03"],
        caption="Table 3 Summary",
    )
    record = verify_values(
        RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper("R\nx.", main, summary), PAIN
    )
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    # A row with the same label and other numbers is another timepoint: still flagged.
    other = make_table(
        ARM_COLUMNS, ["Pain score", "10.2 ± 3.1", "14.0 ± 5.0"], caption="Table 3 Week 24"
    )
    record = verify_values(
        RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper("R\nx.", main, other), PAIN
    )
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_mean")
    assert triages(record, MEANS) == {"check"}


PRE_POST = make_table(
    ["Variables", "Pre-test; Aspirin (placebo)", "Post-test; Aspirin (placebo)", "p-value"],
    ["Pain score", "20.1 ± 3.2 (19.8 ± 3.5)", "12.3 ± 4.5 (14.1 ± 5.2)", "<0.001"],
)


def test_a_baseline_is_no_rival_timepoint_but_a_baseline_value_stays_flagged() -> None:
    paper = make_paper("R\nx.", PRE_POST)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(
        means_record(20.1, 3.2, 19.8, 3.5), RoleCode.timepoint_ambiguous, "intervention_mean"
    )


def test_two_timepoints_after_baseline_stay_ambiguous() -> None:
    table = make_table(
        ["Variables", "Baseline; Aspirin (placebo)", "Week 6; Aspirin (placebo)",
         "Week 12; Aspirin (placebo)"],
        ["Pain score", "20.1 ± 3.2 (19.8 ± 3.5)", "12.3 ± 4.5 (14.1 ± 5.2)",
         "11.0 ± 4.0 (14.9 ± 5.0)"],
    )  # fmt: skip
    record = verify_values(
        RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper("R\nx.", table), PAIN
    )
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_mean")
    assert triages(record, MEANS) == {"check"}


def test_baseline_rows_of_a_table_in_sections() -> None:
    table = make_table(
        ARM_COLUMNS,
        ["Baseline", "", ""],
        ["Pain score", "20.1 ± 3.2", "19.8 ± 3.5"],
        ["12 weeks", "", ""],
        ["Pain score", "12.3 ± 4.5", "14.1 ± 5.2"],
    )
    paper = make_paper("R\nx.", table)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(20.1, 3.2, 19.8, 3.5))


def test_a_value_repeated_in_a_summary_table_keeps_the_rivals_of_its_first_table() -> None:
    table = make_table(
        ["Variables", "Baseline; Aspirin (placebo)", "Week 6; Aspirin (placebo)",
         "Week 12; Aspirin (placebo)"],
        ["Pain score", "20.1 ± 3.2 (19.8 ± 3.5)", "12.3 ± 4.5 (14.1 ± 5.2)",
         "11.0 ± 4.0 (14.9 ± 5.0)"],
    )  # fmt: skip
    summary = make_table(
        ARM_COLUMNS, ["Pain score", "11.0 ± 4.0", "14.9 ± 5.0"], caption="Table 3 Summary"
    )
    paper = make_paper("R\nx.", table, summary)
    record = verify_values(RCT, means_record(11.0, 4.0, 14.9, 5.0), paper, PAIN)
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_mean")
    assert triages(record, MEANS) == {"check"}


def test_row_labels_that_differ_only_in_separators_are_the_same_row() -> None:
    main = make_table(
        ARM_COLUMNS, ["Physical activity (Met-min/week)", "487.3 ± 111.5", "453.6 ± 60.9"]
    )
    later = make_table(
        ARM_COLUMNS, ["Physical activity (Metmin/week)", "854 ± 271.6", "470 ± 80.5"], caption="T3"
    )
    target = {**PAIN, "outcome": "physical activity"}
    paper = make_paper("R\nx.", main, later)
    record = verify_values(RCT, means_record(487.3, 111.5, 453.6, 60.9), paper, target)
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_mean")


def test_the_end_of_treatment_is_the_default_timepoint_and_a_follow_up_stays_flagged() -> None:
    table = make_table(
        ["Variables", "Pre-test; Aspirin (placebo)", "Post-test; Aspirin (placebo)",
         "Follow up after 4 months; Aspirin (placebo)", "p-value"],
        ["Pain score", "20.1 ± 3.2 (19.8 ± 3.5)", "12.3 ± 4.5 (14.1 ± 5.2)",
         "11.0 ± 4.0 (14.9 ± 5.0)", "<0.001"],
    )  # fmt: skip
    summary = make_table(
        ["Variables", "Follow up after 4 months; Aspirin", "Follow up after 4 months; Placebo"],
        ["Pain score", "11.0 ± 4.0", "14.9 ± 5.0"],
        caption="Table 3 Four months after the intervention",
    )
    paper = make_paper("R\nx.", table, summary)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    for decoy in (means_record(11.0, 4.0, 14.9, 5.0), means_record(20.1, 3.2, 19.8, 3.5)):
        case.flags(decoy, RoleCode.timepoint_ambiguous, "intervention_mean")
    # The target that names the follow-up takes it.
    later = RoleCase(paper, {**PAIN, "outcome": "pain at 4 months"}, MEANS)
    later.verifies(means_record(11.0, 4.0, 14.9, 5.0))


def test_a_time_after_the_intervention_is_a_follow_up_not_its_end() -> None:
    table = make_table(
        ["Variables", "Post-treatment; Aspirin (placebo)",
         "6 months after treatment; Aspirin (placebo)"],
        ["Pain score", "12.3 ± 4.5 (14.1 ± 5.2)", "11.0 ± 4.0 (14.9 ± 5.0)"],
    )  # fmt: skip
    paper = make_paper("R\nx.", table)
    assert triages(verify_values(RCT, means_record(12.3, 4.5, 14.1, 5.2), paper, PAIN), MEANS) == {
        "verified"
    }
    follow_up = verify_values(RCT, means_record(11.0, 4.0, 14.9, 5.0), paper, PAIN)
    assert triages(follow_up, MEANS) == {"check"}


AE_TARGET = {
    "intervention": "aspirin",
    "comparator": "placebo",
    "outcome": "Treatment-emergent adverse events (TEAEs)",
}
AE = {
    "outcome_type": "binary",
    "intervention_events": 69,
    "intervention_group_size": 115,
    "comparator_events": 79,
    "comparator_group_size": 112,
}


def test_a_plural_abbreviation_names_its_singular_row_and_overall_outranks_subgroups() -> None:
    table = make_table(
        ["", "Children", "Children", "Overall", "Overall"],
        ["", "Aspirin (n = 43)", "Placebo (n = 42)", "Aspirin (n = 115)", "Placebo (n = 112)"],
        ["Any TEAE", "22 (51.2)", "27 (64.3)", "69 (60.0)", "79 (70.5)"],
        ["Headache", "5 (11.6)", "8 (19.0)", "19 (16.5)", "21 (18.8)"],
        caption="Table 3 Treatment-emergent adverse events",
        header_rows=2,
    )
    paper = make_paper("Methods\nTreatment-emergent adverse events (TEAEs) were recorded.", table)
    record = verify_values(RCT, AE, paper, AE_TARGET)
    for name in ("intervention_events", "comparator_events"):
        assert record[name].triage.value == "verified", record[name].findings
    # The children's numbers are a subgroup: the overall column is their rival.
    children = {**AE, "intervention_events": 22, "intervention_group_size": 43,
                "comparator_events": 27, "comparator_group_size": 42}  # fmt: skip
    record = verify_values(RCT, children, paper, AE_TARGET)
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_events")
    assert record["intervention_events"].triage.value == "check"
    # Another row of the same table stays another outcome.
    headache = {**AE, "intervention_events": 19, "comparator_events": 21}
    record = verify_values(RCT, headache, paper, AE_TARGET)
    assert RoleCode.outcome_unbound in finding_codes(record, "intervention_events")


RESPONSE = {"intervention": "fluoxetine", "comparator": "placebo", "outcome": "CGI-I response rate"}
RESPONDERS = {
    "outcome_type": "binary",
    "intervention_events": 79,
    "intervention_group_size": 101,
    "comparator_events": 62,
    "comparator_group_size": 99,
}


def test_a_header_row_inside_the_body_names_the_block_of_arm_rows_below_it() -> None:
    table = make_table(
        ["CGI-S", "n", "Adjusted mean change (SE) from baseline", "p"],
        ["Placebo", "99", "-1.71 (0.12)", "—"],
        ["Fluoxetine", "101", "-1.88 (0.12)", "0.224"],
        ["CGI-I response", "Proportion responders", "%", "Adjusted odds ratio"],
        ["Placebo", "62/99", "62.6", "—"],
        ["Fluoxetine", "79/101", "78.2", "0.465"],
        caption="Table 2 Secondary efficacy outcomes at week 8",
    )
    paper = make_paper("R\nx.", table)
    record = verify_values(RCT, RESPONDERS, paper, RESPONSE)
    for name in ("intervention_events", "comparator_events"):
        assert record[name].triage.value == "verified", record[name].findings
    # Arms as rows with columns that name times: those columns are rivals.
    weeks = make_table(
        ["", "Week 4", "Week 8"],
        ["CGI-I response", "", ""],
        ["Placebo", "50/99", "62/99"],
        ["Fluoxetine", "70/101", "79/101"],
    )
    record = verify_values(RCT, RESPONDERS, make_paper("R\nx.", weeks), RESPONSE)
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_events")
    assert record["intervention_events"].triage.value == "check"


def _efficacy_table() -> Table:
    """Arms as rows under a header inside the body: responders printed out of their N."""
    return make_table(
        ["", "n", "Adjusted mean change"],
        ["Placebo", "99", "-1.71 (0.12)"],
        ["CGI-I response", "Proportion responders", "%"],
        ["Placebo", "62/99", "62.6"],
        ["Fluoxetine", "79/101", "78.2"],
        caption="Table 2 Efficacy outcomes",
    )


def test_the_n_printed_with_the_events_in_the_outcomes_row_is_the_arms_analysed_size() -> None:
    baseline = make_table(
        ["", "Placebo (n = 112)", "Fluoxetine (n = 110)"],
        ["Age, mean", "9.4 (1.3)", "9.6 (1.3)"],
        caption="Table 1 Baseline characteristics, safety population",
    )
    outcome = _efficacy_table()
    paper = make_paper("R\nx.", baseline, outcome)
    record = verify_values(RCT, RESPONDERS, paper, RESPONSE)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert record[name].triage.value == "verified", record[name].findings
    swapped = {**RESPONDERS, "intervention_group_size": 99, "comparator_group_size": 101,
               "intervention_events": 62, "comparator_events": 79}  # fmt: skip
    record = verify_values(RCT, swapped, paper, RESPONSE)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert record[name].triage.value == "check", record[name].findings
    # Another outcome's N (another row) does not vouch for this outcome's size.
    other = {**RESPONDERS, "outcome_type": "binary"}
    record = verify_values(RCT, other, paper, {**RESPONSE, "outcome": "suicidal ideation"})
    assert record["intervention_group_size"].triage.value == "check"


YOGA = {"intervention": "post-Yoga", "comparator": "pre-Yoga", "outcome": "pain"}


def test_arms_as_rows_put_both_arms_values_in_one_column() -> None:
    table = make_table(
        ["Pain", "n", "Median", "Min.", "Max."],
        ["Before", "19", "6.00", "3.00", "8.00"],
        ["After", "19", "1.00", "0.00", "3.00"],
        caption="Table 1 Pain before and after the intervention",
    )
    sizes = {"outcome_type": "continuous", "intervention_group_size": 19,
             "comparator_group_size": 19}  # fmt: skip
    record = verify_values(RCT, sizes, make_paper("R\nx.", table), YOGA)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert record[name].triage.value == "verified", record[name].findings
    # A number in another column is no size: "1.00" (After) and "6.00" (Before) are medians.
    medians = {"outcome_type": "continuous", "intervention_group_size": 1,
               "comparator_group_size": 6}  # fmt: skip
    record = verify_values(RCT, medians, make_paper("R\nx.", table), YOGA)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert record[name].triage.value == "check", record[name].findings


def test_a_size_printed_for_the_arm_elsewhere_is_not_the_size_the_outcomes_rows_give() -> None:
    safety = make_table(
        ["", "Placebo (n = 112)", "Fluoxetine (n = 110)"],
        ["Any TEAE", "79 (70.5)", "72 (65.5)"],
        caption="Table 3 Adverse events, safety population",
    )
    efficacy = _efficacy_table()
    paper = make_paper(
        "R\nx.\n\nReferences\n1. Smith et al. doi:10.1186/1472-6920-13-108", safety, efficacy
    )
    # The adverse-event record under the efficacy outcome: its sizes are the safety
    # population's, printed for the arms, but not the efficacy outcome's.
    safety_sizes = {**RESPONDERS, "intervention_events": 72, "comparator_events": 79,
                    "intervention_group_size": 110, "comparator_group_size": 112}  # fmt: skip
    record = verify_values(RCT, safety_sizes, paper, RESPONSE)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert RoleCode.group_size_mismatch in finding_codes(record, name)
        assert record[name].triage.value == "check"
    # Under the adverse-event outcome (no events printed out of a number) they stand.
    record = verify_values(
        RCT,
        {
            **AE,
            "intervention_events": 72,
            "intervention_group_size": 110,
            "comparator_group_size": 112,
        },
        paper,
        {**RESPONSE, "outcome": "any treatment-emergent adverse event"},
    )
    assert record["comparator_group_size"].triage.value == "verified", record[
        "comparator_group_size"
    ].findings


@pytest.mark.parametrize(
    "sentence",
    [
        "The pain score in the aspirin and placebo groups was 12.3 ± 4.5 and 14.1 ± 5.2, "
        "respectively.",
        "Mean pain scores were 12.3 ± 4.5 and 14.1 ± 5.2 in the aspirin and placebo groups, "
        "respectively.",
        "The pain score was lower with aspirin than with placebo (12.3 ± 4.5 vs 14.1 ± 5.2).",
    ],
)
def test_two_values_take_the_arms_in_the_order_the_sentence_names_them(sentence: str) -> None:
    paper = make_paper("Results\n" + sentence)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(14.1, 5.2, 12.3, 4.5), RoleCode.arm_mismatch, "intervention_mean")


def test_two_values_of_one_arm_take_no_order() -> None:
    # Both values are the aspirin arm's (two periods): the order names no arms.
    text = (
        "Results\nThe pain score did not change between periods 1 and 2 in the aspirin group "
        "(12.3 ± 4.5 vs 14.1 ± 5.2, respectively), whereas it fell in the placebo group "
        "(15.0 ± 5.0 vs 9.1 ± 3.0, respectively)."
    )
    record = verify_values(RCT, means_record(14.1, 5.2, 9.1, 3.0), make_paper(text), PAIN)
    assert record["comparator_mean"].triage.value == "check"


def test_mean_and_sd_in_two_columns_are_checked_as_one_value() -> None:
    table = make_table(
        ["", "Aspirin (n = 60)", "Aspirin (n = 60)", "Placebo (n = 61)", "Placebo (n = 61)"],
        ["", "Mean", "SD", "Mean", "SD"],
        ["Pain score", "12.3", "4.5", "14.1", "5.2"],
        header_rows=2,
    )
    paper = make_paper("R\nx.", table)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(14.1, 5.2, 12.3, 4.5))


def test_sizes_under_the_arm_names_take_the_arms_in_order() -> None:
    text = (
        "Results\nSee Table 2.\n\nTable 2 Outcomes\n\nVariable Intervention group Control "
        "group P value\n\n(n = 60) (n = 61)\n\nDeath 12 (20.0) 20 (32.8) 0.1\n\n"
        "Stroke 3 (5.0) 9 (14.8) 0.07"
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "death"}
    values = {"outcome_type": "binary", "intervention_events": 12, "intervention_group_size": 60,
              "comparator_events": 20, "comparator_group_size": 61}  # fmt: skip
    record = verify_values(RCT, values, make_paper(text), target)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert record[name].triage.value == "verified", record[name].findings
    swapped = {**values, "intervention_group_size": 61, "comparator_group_size": 60}
    record = verify_values(RCT, swapped, make_paper(text), target)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert record[name].triage.value == "check", record[name].findings


DEATH = {"intervention": "aspirin", "comparator": "placebo", "outcome": "sick leave"}
DEATHS = {"outcome_type": "binary", "intervention_events": 49, "intervention_group_size": 125,
          "comparator_events": 64, "comparator_group_size": 133}  # fmt: skip


def test_the_time_in_a_row_label_is_not_a_word_of_another_outcome() -> None:
    table = make_table(
        ["", "Aspirin (n = 125) n (%) on sick leave", "Placebo (n = 133) n (%) on sick leave"],
        ["Total 0-12 months", "49 (39)", "64 (48)"],
        ["Headache, months 0-12", "9 (7)", "8 (6)"],
    )
    record = verify_values(RCT, DEATHS, make_paper("R\nx.", table), DEATH)
    assert record["intervention_events"].triage.value == "verified", record[
        "intervention_events"
    ].findings
    headache = {**DEATHS, "intervention_events": 9, "comparator_events": 8}
    record = verify_values(RCT, headache, make_paper("R\nx.", table), DEATH)
    assert RoleCode.outcome_unbound in finding_codes(record, "intervention_events")


def test_a_row_left_in_one_cell_takes_its_arms_from_the_header_in_order() -> None:
    table = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)", "P"],
        ["Death 12/60 20/61 0.1", "", "", ""],
        ["Stroke", "3 (5.0)", "9 (14.8)", "0.07"],
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "death"}
    values = {"outcome_type": "binary", "intervention_events": 12, "intervention_group_size": 60,
              "comparator_events": 20, "comparator_group_size": 61}  # fmt: skip
    record = verify_values(RCT, values, make_paper("R\nx.", table), target)
    for name in ("intervention_events", "comparator_events"):
        assert record[name].triage.value == "verified", record[name].findings
    swapped = {**values, "intervention_events": 20, "comparator_events": 12}
    record = verify_values(RCT, swapped, make_paper("R\nx.", table), target)
    assert RoleCode.arm_mismatch in finding_codes(record, "intervention_events")


def test_a_sentence_naming_half_of_a_two_word_outcome_does_not_bind_it() -> None:
    text = (
        "Results\nPain at rest was 2.1 ± 1.0 with aspirin and 3.5 ± 1.2 with placebo. Pain on "
        "movement was 4.0 ± 1.5 with aspirin and 5.5 ± 1.6 with placebo."
    )
    rest = {**PAIN, "outcome": "pain at rest"}
    case = RoleCase(make_paper(text), rest, MEANS)
    case.verifies(means_record(2.1, 1.0, 3.5, 1.2))
    case.flags(means_record(4.0, 1.5, 5.5, 1.6), RoleCode.outcome_unbound, "intervention_mean")


def test_a_size_that_only_agrees_with_a_percentage_needs_its_arm() -> None:
    # No size is printed; "20 (32.8)" fits 20 of 61, but the line names no arm.
    text = (
        "Methods\nx.\n\nTable 2 Outcomes\n\nAll patients Aspirin Placebo P\n\n"
        "Nausea 32 (26.4) 12 (20.0) 20 (32.8) 0.1"
    )
    swapped = {"outcome_type": "binary", "intervention_events": 20, "intervention_group_size": 61,
               "comparator_events": 12, "comparator_group_size": 60}  # fmt: skip
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "nausea"}
    record = verify_values(RCT, swapped, make_paper(text), target)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert RoleCode.role_unconfirmed in finding_codes(record, name)
        assert record[name].triage.value == "check"


def test_one_arm_compared_with_the_other_in_a_parenthesis() -> None:
    text = "Results\nNausea was less frequent in the aspirin group (12/60 vs 20/61, p = 0.1)."
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "nausea"}
    values = {"outcome_type": "binary", "intervention_events": 12, "intervention_group_size": 60,
              "comparator_events": 20, "comparator_group_size": 61}  # fmt: skip
    record = verify_values(RCT, values, make_paper(text), target)
    for name in ("intervention_events", "comparator_events"):
        assert record[name].triage.value == "verified", record[name].findings
    swapped = {**values, "intervention_events": 20, "intervention_group_size": 61,
               "comparator_events": 12, "comparator_group_size": 60}  # fmt: skip
    record = verify_values(RCT, swapped, make_paper(text), target)
    assert RoleCode.arm_mismatch in finding_codes(record, "comparator_events")


def test_author_initials_statistics_and_shared_words_name_no_arm() -> None:
    text = (
        "Methods\nPatients received dexmedetomidine (DEX) or standard care. Results are mean "
        "and standard deviation (SD). P (placebo-adjusted) values are two-sided.\n\n"
        "Contributions\nJG: dexmedetomidine protocol. DA: standard care protocol."
    )
    arms = Arms("dexmedetomidine", "standard care", make_document([text]))
    assert arms.labels == {"intervention": set(), "comparator": set()}
    assert "dex" in arms.terms["intervention"] and "sd" not in arms.terms["comparator"]
    assert arms.arm_of("DEX mean ± SD") == "intervention"
    assert arms.arm_of("P value") is None
    # A label of a group, and a bare label defined by its treatment, are still learned.
    named = Arms("aspirin", "placebo", make_document(["Methods\nGroup A received aspirin. "
                                                      "H2 = placebo tablets."]))  # fmt: skip
    assert named.labels == {"intervention": {"group a"}, "comparator": {"h2"}}


def test_time_labels_the_paper_defines_are_read_as_their_times() -> None:
    table = make_table(
        ["", "Aspirin", "Aspirin", "Placebo", "Placebo"],
        ["Variable", "T1", "T2", "T1", "T2"],
        ["Pain score", "20.1 (3.2)", "12.3 (4.5)", "19.8 (3.5)", "14.1 (5.2)"],
        header_rows=2,
    )
    text = "Results\nSee Table 2. T1: Pre-intervention, T2: Post-intervention."
    case = RoleCase(make_paper(text, table), PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(20.1, 3.2, 19.8, 3.5))
    # Undefined, T1 and T2 are two times: both stay ambiguous.
    record = verify_values(
        RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper("R\nx.", table), PAIN
    )
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_mean")


def test_a_row_of_test_statistics_is_no_other_timepoint() -> None:
    main = make_table(ARM_COLUMNS, ["Pain score", "12.3 ± 4.5", "14.1 ± 5.2"])
    anova = make_table(
        ["Variable", "F", "df", "p"], ["Pain score", "2.834", "3, 45.1", "0.049"], caption="T3"
    )
    record = verify_values(
        RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper("R\nx.", main, anova), PAIN
    )
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]


def test_a_negative_mean_beside_its_sd_is_one_pair() -> None:
    # "−0.5 ± 2.8" (a change score, with the minus sign U+2212): the SD's partner is the
    # signed mean; a mean of +0.5 is not printed beside it.
    paper = make_paper(
        "Results. Weight change was recorded.",
        make_table(ARM_COLUMNS, ["Weight change (kg)", "\u22120.5 ± 2.8", "1.2 ± 3.1"]),
    )
    target = {**PAIN, "outcome": "weight change"}
    right = verify_values(RCT, means_record(-0.5, 2.8, 1.2, 3.1), paper, target)
    assert right["intervention_standard_deviation"].triage.value == "verified"
    assert right["intervention_mean"].triage.value == "verified"
    wrong = verify_values(RCT, means_record(0.5, 2.8, 1.2, 3.1), paper, target)
    assert wrong["intervention_standard_deviation"].triage.value != "verified"


def test_a_p_value_after_the_arms_values_is_no_third_value_of_an_arm() -> None:
    # "(p = 0.19)" after the two counts took the control arm as its own, the sentence's
    # two readings then tied, and neither count was bound to its arm.
    sentence = (
        "One year after surgery, 12 patients in the aspirin group compared to 20 patients "
        "in the placebo group had died (p = 0.19)."
    )
    target = {**PAIN, "outcome": "patients died"}
    events = {"outcome_type": "binary", "intervention_events": 12, "comparator_events": 20}
    right = verify_values(RCT, events, make_paper("Results\n" + sentence), target)
    for name in ("intervention_events", "comparator_events"):
        assert right[name].triage.value == "verified", right[name].findings
    swapped = {"outcome_type": "binary", "intervention_events": 20, "comparator_events": 12}
    wrong = verify_values(RCT, swapped, make_paper("Results\n" + sentence), target)
    assert RoleCode.arm_mismatch in finding_codes(wrong, "intervention_events")


def test_a_row_named_by_the_initials_of_the_outcome_binds_it() -> None:
    # "Neonatal RDS" where the paper never writes "respiratory distress syndrome (RDS)".
    target = {**PAIN, "outcome": "respiratory distress syndrome"}
    rows = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"],
        ["Neonatal RDS", "12/60", "20/61"],
        ["Neonatal sepsis", "5/60", "9/61"],
    )
    values = {"outcome_type": "binary", "intervention_events": 12, "comparator_events": 20}
    right = verify_values(RCT, values, make_paper("Results\nSee Table 2.", rows), target)
    for name in ("intervention_events", "comparator_events"):
        assert right[name].triage.value == "verified", right[name].findings
    other = {"outcome_type": "binary", "intervention_events": 5, "comparator_events": 9}
    wrong = verify_values(RCT, other, make_paper("Results\nSee Table 2.", rows), target)
    assert RoleCode.outcome_unbound in finding_codes(wrong, "intervention_events")


def test_a_target_naming_the_caption_of_one_table_takes_that_tables_row() -> None:
    # "baseline fat mass": Table 1 (baseline characteristics) and Table 2 (changes) both
    # print a "Fat mass (kg)" row; the target names Table 1's caption, not Table 2's.
    baseline = make_table(
        ARM_COLUMNS, ["Fat mass (kg)", "60.5 ± 12.1", "58.9 ± 11.7"],
        caption="Table 1 Baseline characteristics of the participants",
    )  # fmt: skip
    change = make_table(
        ARM_COLUMNS, ["Fat mass (kg)", "−15.7 ± 5.3", "−0.4 ± 5.0"],
        caption="Table 2 Differences in changes from week 0 to week 12",
    )  # fmt: skip
    paper = make_paper("Results\nSee Tables 1 and 2.", baseline, change)
    target = {**PAIN, "outcome": "baseline fat mass"}
    right = verify_values(RCT, means_record(60.5, 12.1, 58.9, 11.7), paper, target)
    assert triages(right, MEANS) == {"verified"}, [right[n].findings for n in MEANS]
    other = verify_values(RCT, means_record(-15.7, 5.3, -0.4, 5.0), paper, target)
    assert RoleCode.timepoint_ambiguous in finding_codes(other, "intervention_mean")


def test_the_first_evidence_of_a_verified_value_is_the_place_it_was_judged_by() -> None:
    # 12 is printed first in the baseline table (12 men); the events are 12/60 in the
    # outcome's row, and that row is the evidence a reviewer is shown first.
    baseline = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"], ["Male, n", "12", "15"],
        caption="Table 1 Baseline characteristics",
    )  # fmt: skip
    outcome = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"], ["Death", "12/60", "20/61"],
        caption="Table 2 Outcomes",
    )  # fmt: skip
    paper = make_paper("Results\nSee Tables 1 and 2.", baseline, outcome)
    values = {"outcome_type": "binary", "intervention_events": 12, "comparator_events": 20}
    record = verify_values(RCT, values, paper, {**PAIN, "outcome": "death"})
    events = record["intervention_events"]
    assert events.triage.value == "verified", events.findings
    assert "12/60" in events.evidence[0].quote
    assert any("Male" in e.section or "Baseline" in e.section for e in events.evidence[1:])


def test_a_p_value_column_under_an_arms_spanning_header_is_no_other_measure() -> None:
    table = make_table(
        ["", "Aspirin, N = 28", "Aspirin, N = 28", "Placebo, N = 14", "Placebo, N = 14"],
        ["", "Mean change at 6 months", "P-value", "Mean change at 6 months",
         "P-value"],
        ["Days of pain", "-1.4", "0.03", "-4.2", "0.01"],
    )  # fmt: skip
    paper = make_paper("R\nx.", table)
    target = {**PAIN, "outcome": "days of pain"}
    values = {"outcome_type": "continuous", "intervention_mean": -1.4, "comparator_mean": -4.2}
    record = verify_values(RCT, values, paper, target)
    names = ("intervention_mean", "comparator_mean")
    assert triages(record, names) == {"verified"}, [record[n].findings for n in names]
    # Under another measure of the same arm the value stays ambiguous.
    table.rows[1][2] = "Mean change at 12 months"
    record = verify_values(RCT, values, make_paper("R\nx.", table), target)
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_mean")


def test_a_cell_printing_a_minus_is_no_place_of_the_positive_value() -> None:
    table = make_table(
        ["", "Aspirin (n = 28)", "Placebo (n = 14)"], ["Days of pain", "−0.2", "−1.8"]
    )
    paper = make_paper("R\nx.", table)
    target = {**PAIN, "outcome": "days of pain"}
    names = ("intervention_mean", "comparator_mean")
    right = {"outcome_type": "continuous", "intervention_mean": -0.2, "comparator_mean": -1.8}
    record = verify_values(RCT, right, paper, target)
    assert triages(record, names) == {"verified"}, [record[n].findings for n in names]
    flipped = {**right, "intervention_mean": 0.2}
    record = verify_values(RCT, flipped, paper, target)
    assert record["intervention_mean"].triage.value == "check"
    # A sentence carries the sign in its words: "fell by 0.2 days" is −0.2.
    said = make_paper("R\nDays of pain fell by 0.2 with aspirin and by 1.8 with placebo.")
    record = verify_values(RCT, right, said, target)
    assert triages(record, names) == {"verified"}, [record[n].findings for n in names]


def _timepoints_table() -> Table:
    """Arms spanning their timepoints, each column with its own size ("12 m (n = 59)")."""
    return make_table(
        ["Outcome", "Aspirin", "Aspirin", "Aspirin", "Placebo", "Placebo", "Placebo"],
        ["", "Baseline (n = 64)", "12 m (n = 59)", "24 m (n = 56)", "Baseline (n = 65)",
         "12 m (n = 58)", "24 m (n = 52)"],
        ["Pain score", "20.1 (3.2)", "12.3 (4.5)", "11.0 (4.0)", "19.8 (3.5)",
         "14.1 (5.2)", "14.9 (5.0)"],
        caption="Table 2 Changes in outcomes from baseline to 12 and 24 months",
        header_rows=2,
    )  # fmt: skip


def test_a_column_names_its_time_in_months_as_m_and_its_own_size() -> None:
    paper = make_paper("R\nx.", _timepoints_table())
    at_12 = {**PAIN, "outcome": "pain score at 12 months"}
    record = verify_values(RCT, means_record(12.3, 4.5, 14.1, 5.2), paper, at_12)
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    # the 24-month values are another timepoint's, not the 12-month target's
    record = verify_values(RCT, means_record(11.0, 4.0, 14.9, 5.0), paper, at_12)
    assert triages(record, MEANS) == {"check"}
    # the sizes analysed at 12 months are the arms' (the header of the value's column)
    sizes = {"outcome_type": "binary", "intervention_group_size": 59,
             "comparator_group_size": 58}  # fmt: skip
    record = verify_values(RCT, sizes, paper, at_12)
    for name in ("intervention_group_size", "comparator_group_size"):
        assert record[name].triage.value == "verified", record[name].findings
    # ... and neither another time's size nor the other arm's
    for wrong in ({"intervention_group_size": 56, "comparator_group_size": 52},
                  {"intervention_group_size": 58, "comparator_group_size": 59}):  # fmt: skip
        record = verify_values(RCT, {"outcome_type": "binary", **wrong}, paper, at_12)
        for name in ("intervention_group_size", "comparator_group_size"):
            assert record[name].triage.value == "check", (wrong, record[name].findings)
