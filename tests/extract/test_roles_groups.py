"""Group labels, listed values and the N of events (issue 23): how trials of three or four
arms, or of arms named by a letter, print whose number is whose.

Each test shows right values `verified` and a decoy (the other arm's number, or another
outcome's) flagged `check`.
"""

from __future__ import annotations

import pytest
from doubles.documents import make_document
from roles_helpers import RoleCase, events_record, make_paper, make_table, means_record

from extractor.roles import Arms, RoleCode
from extractor.terms import stems

PIMECROLIMUS = {
    "intervention": "topical pimecrolimus cream 1%",
    "comparator": "triamcinolone acetonide oral paste 0.1%",
}

FOUR_GROUPS = (
    "Group N: normal saline, Groups L: lidocaine 40 mg, Group K: ketamine 0.5 mg/kg, "
    "Group R: remifentanil 1 μg/kg."
)


@pytest.mark.parametrize(
    ("text", "intervention", "comparator", "labels"),
    [
        # a label in quotes, defined by what the group was told to apply
        (
            "15 patients in Group “A” were instructed to apply pimecrolimus cream 1% four "
            "times a day and 15 patients in Group “B” were instructed to apply "
            "triamcinolone acetonide 0.1% oral paste.",
            PIMECROLIMUS["intervention"],
            PIMECROLIMUS["comparator"],
            ({"group a"}, {"group b"}),
        ),
        # "Groups L:" (a plural typo) is group L's definition
        (FOUR_GROUPS, "lidocaine", "normal saline", ({"group l"}, {"group n"})),
        # labels listed with "respectively": each takes its own treatment, not the first one
        (
            "Patients in group N constituted the control group and received normal saline. "
            "Those in group L, group K, and group R received lidocaine 40 mg, ketamine "
            "0.5 mg/kg, and remifentanil 1 μg/kg, respectively.",
            "remifentanil",
            "ketamine",
            ({"group r"}, {"group k"}),
        ),
    ],
)
def test_group_labels_are_learned_from_how_papers_define_them(
    text: str, intervention: str, comparator: str, labels: tuple[set[str], set[str]]
) -> None:
    arms = Arms(intervention, comparator, make_document([text]))
    assert (arms.labels["intervention"], arms.labels["comparator"]) == labels


def test_a_word_after_group_is_no_label() -> None:
    # "the control group and received normal saline": "group and" names nothing
    text = "Patients in group N constituted the control group and received normal saline."
    arms = Arms("lidocaine", "normal saline", make_document([text]))
    assert not any("group and" in labels for labels in arms.labels.values())


def test_a_row_labelled_by_the_groups_letter_under_a_caption_naming_the_outcome() -> None:
    # Arms as rows "A" and "B" under a "Groups" column; the outcome is named only in the
    # caption, the columns name statistics.
    table = make_table(
        ["Groups", "n", "Mean±SD"],
        ["A", "15", "1.0±2.1"],
        ["B", "15", "5.3±6.1"],
        caption="Table 1: Intra and inter group comparison of burning sensation",
        header_rows=1,
    )
    text = (
        "Methods\n15 patients in Group “A” were instructed to apply pimecrolimus cream 1% "
        "and 15 patients in Group “B” were instructed to apply triamcinolone acetonide "
        "0.1% oral paste."
    )
    target = {**PIMECROLIMUS, "outcome": "burning sensation"}
    case = RoleCase(make_paper(text, table), target, ("intervention_mean", "comparator_mean"))
    case.verifies(means_record(1.0, 2.1, 5.3, 6.1))
    case.flags(means_record(5.3, 6.1, 1.0, 2.1), RoleCode.arm_mismatch, "intervention_mean")


def test_a_column_naming_another_outcome_takes_nothing_from_the_caption() -> None:
    # The caption lists both outcomes; a row names its arm only: each column is its own
    # outcome's, and the pain column's numbers are no anxiety values.
    table = make_table(
        ["Group", "Pain score", "Anxiety score"],
        ["Aspirin", "3.1±1.2", "7.4±2.0"],
        ["Placebo", "4.0±1.1", "8.8±2.3"],
        caption="Table 2: Pain and anxiety after surgery",
        header_rows=1,
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "anxiety"}
    case = RoleCase(make_paper("R\nx.", table), target, ("intervention_mean", "comparator_mean"))
    case.verifies(means_record(7.4, 2.0, 8.8, 2.3))
    case.flags(means_record(3.1, 1.2, 4.0, 1.1), RoleCode.outcome_unbound, "intervention_mean")


def test_events_printed_after_their_share() -> None:
    # "87% (26/30)": the share first, the events and N after it
    text = (
        "Results\nThe incidence of withdrawal response was 87% (26/30) in the saline group "
        "and 20% (6/30) in the lidocaine group."
    )
    target = {"intervention": "lidocaine", "comparator": "saline",
              "outcome": "withdrawal response"}  # fmt: skip
    case = RoleCase(make_paper(text), target, ("intervention_events", "comparator_events"))
    case.verifies(events_record(6, 30, 26, 30))
    case.flags(events_record(26, 30, 6, 30), RoleCode.arm_mismatch, "intervention_events")


def test_values_of_several_shapes_listed_for_labelled_groups_respectively() -> None:
    # four groups; the last value prints no events ("0%"), the list still holds four
    text = (
        f"Methods\n{FOUR_GROUPS}\nResults\nThe incidence of withdrawal response was 87% "
        "(26/30), 20% (6/30), 30% (9/30), and 0% in group N, group L, group K, and group R, "
        "respectively."
    )
    target = {"intervention": "lidocaine", "comparator": "normal saline",
              "outcome": "withdrawal response"}  # fmt: skip
    case = RoleCase(make_paper(text), target, ("intervention_events", "comparator_events"))
    case.verifies(events_record(6, 30, 26, 30))
    case.flags(events_record(26, 30, 6, 30), RoleCode.arm_mismatch, "intervention_events")
    # group K's events: a third arm's, no arm of this target
    third = RoleCase(case.paper, target, ("intervention_events",))
    third.flags(events_record(9, 30, 26, 30), RoleCode.arm_unbound, "intervention_events")


def test_a_size_in_the_column_headers_of_equal_groups() -> None:
    # Four groups of 30: each arm's own column header gives its size, whatever the
    # others' are.
    table = make_table(
        ["", "Group N (n = 30)", "Group L (n = 30)", "Group K (n = 30)", "Group R (n = 30)"],
        ["Age (yr)", "43 ± 12", "41 ± 14", "42 ± 10", "46 ± 14"],
        caption="Table 1. Demographic data",
        header_rows=1,
    )
    target = {"intervention": "remifentanil", "comparator": "lidocaine",
              "outcome": "heart rate"}  # fmt: skip
    sizes = ("intervention_group_size", "comparator_group_size")
    case = RoleCase(make_paper(f"Methods\n{FOUR_GROUPS}", table), target, sizes)
    values = {"outcome_type": "continuous", "intervention_group_size": 30}
    case.verifies({**values, "comparator_group_size": 30})
    case.flags({**values, "intervention_group_size": 31, "comparator_group_size": 29})


def test_the_n_of_another_outcomes_events_is_no_group_size() -> None:
    # "17/23" in the stroke row: the N analysed for stroke (or a subgroup), not death's,
    # though it stands in the arm's column beside the other arm's N.
    table = make_table(
        ["", "Aspirin", "Placebo"],
        ["Stroke", "17/23 (73.9)", "2/24 (8.3)"],
        header_rows=1,
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "death"}
    sizes = ("intervention_group_size", "comparator_group_size")
    case = RoleCase(make_paper("R\nx.", table), target, sizes)
    case.flags(events_record(17, 23, 2, 24), RoleCode.outcome_unbound, "intervention_group_size")
    stroke = RoleCase(make_paper("R\nx.", table), {**target, "outcome": "stroke"}, sizes)
    stroke.verifies(events_record(17, 23, 2, 24))


def test_a_later_clause_of_another_outcome_does_not_bind_the_values() -> None:
    text = (
        "Results\nThe incidence of respiratory distress syndrome was similar in both study "
        "groups—10.5% (42/402) in the progesterone group and 10.6% (41/388) in the placebo "
        "group—as was the severity of any neonatal respiratory disease (adjusted treatment "
        "effect 1.02)."
    )
    arms = {"intervention": "vaginal progesterone", "comparator": "placebo"}
    names = ("intervention_events", "comparator_events")
    paper = make_paper(text)
    rds = RoleCase(paper, {**arms, "outcome": "respiratory distress syndrome"}, names)
    rds.verifies(events_record(42, 402, 41, 388))
    severity = {**arms, "outcome": "severity of any neonatal respiratory disease"}
    RoleCase(paper, severity, names).flags(
        events_record(42, 402, 41, 388), RoleCode.outcome_unbound, "intervention_events"
    )


def test_words_that_only_join_a_phrase_bind_nothing() -> None:
    # "The SVR rates when the patients had BMI > 30": "when" and "had" are no outcome words
    assert stems("when the patients had BMI") == stems("patients BMI")


def test_a_size_named_by_the_arm_a_few_words_before_it() -> None:
    # A flow chart: "Control group n = 72" randomised, "Control group patients evaluated
    # n = 28" analysed; both are sizes the paper gives the arm.
    text = (
        "Methods\nEMS group patients evaluated n = 24 Control group n = 72 Patients not "
        "evaluated, n = 44 Control group patients evaluated n = 28"
    )
    table = make_table(["", "EMS group", "Control group"], ["n", "24", "28"], header_rows=1)
    target = {"intervention": "electrical muscle stimulation (EMS)", "comparator": "control",
              "outcome": "wrist flexion"}  # fmt: skip
    case = RoleCase(make_paper(text, table), target, ("comparator_group_size",))
    values = {"outcome_type": "continuous", "intervention_group_size": 24}
    case.verifies({**values, "comparator_group_size": 28})
    case.flags({**values, "comparator_group_size": 44}, RoleCode.group_size_mismatch,
               "comparator_group_size")  # fmt: skip


def test_an_outcome_type_shows_each_passed_check_once() -> None:
    # "binary" is carried by its quote's words and by its numbers standing in their roles:
    # the pass is listed once
    table = make_table(["", "Aspirin (n = 60)", "Placebo (n = 61)"], ["Nausea", "12/60", "20/61"],
                       header_rows=1)  # fmt: skip
    text = "Methods\nNausea, a binary outcome, was recorded."
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "nausea"}
    case = RoleCase(make_paper(text, table), target, ("outcome_type",))
    record = case.verifies(events_record(12, 60, 20, 61))
    passed = record["outcome_type"].checks_passed
    assert len(passed) == len(set(passed)), passed
