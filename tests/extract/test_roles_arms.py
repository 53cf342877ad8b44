"""Arm binding: how papers name the arms a value belongs to (issue 23).

Each rule binds right values to their arm from the paper's own structure; each test also
shows the swapped value (the other arm's number, a decoy) flagged.
"""

from __future__ import annotations

from typing import Any

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

from extractor.roles import Arms, RoleCode
from extractor.verify import verify_values
from schemas.extracted import Extracted

BINARY = ("intervention_events", "intervention_group_size", "comparator_events",
          "comparator_group_size")  # fmt: skip


@pytest.mark.parametrize(
    ("intervention", "comparator", "header"),
    [
        ("Patients in the 3h group", "Patients in the 20h group", ["", "3 h group", "20 h group"]),
        (
            "peginterferon plus ribavirin for 48 weeks",
            "peginterferon plus ribavirin for 24 weeks",
            ["Variable", "SD48W, n/N (%)", "SD24W, n/N (%)"],
        ),
        ("aspirin 300 mg", "aspirin 100 mg", ["", "300 mg", "100 mg"]),
        # micrograms, with the micro sign or the Greek letter
        ("dexmedetomidine 1 µg/kg", "dexmedetomidine 0.5 μg/kg", ["", "1 μg/kg", "0.5 µg/kg"]),
    ],
)
def test_arms_that_differ_only_by_a_dose_or_duration_are_told_apart_by_it(
    intervention: str, comparator: str, header: list[str]
) -> None:
    table = make_table(header, ["Live birth", "32/74 (43.2)", "22/60 (36.7)"])
    paper = make_paper("R\nx.", table)
    target = {"intervention": intervention, "comparator": comparator, "outcome": "live birth"}
    case = RoleCase(paper, target, ("intervention_events", "comparator_events"))
    case.verifies(events_record(32, 74, 22, 60))
    case.flags(events_record(22, 60, 32, 74), RoleCode.arm_mismatch, "intervention_events")


def test_a_duration_names_no_arm_when_the_arms_have_other_names() -> None:
    # "aspirin for 12 weeks" against "placebo": the "12 weeks" column is a timepoint.
    table = make_table(
        ["", "Placebo 12 weeks", "Placebo 24 weeks"], ["Live birth", "32/74", "22/60"]
    )
    target = {"intervention": "aspirin for 12 weeks", "comparator": "placebo",
              "outcome": "live birth"}  # fmt: skip
    record = verify_values(RCT, events_record(32, 74, 22, 60), make_paper("R\nx.", table), target)
    assert RoleCode.arm_mismatch in finding_codes(record, "intervention_events")


def test_a_count_printed_with_its_share_is_no_group_size_of_a_binary_outcome() -> None:
    # "70 (94.6)": a count with its share of a whole (embryos transferred), not the N.
    table = make_table(
        ["", "Aspirin", "Placebo"],
        ["Patients, n", "74", "60"],
        ["Pregnancy, n (%)", "32 (43.2)", "22 (36.7)"],
        ["Embryo transfer, n (%)", "70 (94.6)", "55 (91.7)"],
    )
    paper = make_paper("R\nx.", table)
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pregnancy"}
    case = RoleCase(paper, target, ("intervention_group_size", "comparator_group_size"))
    case.verifies(events_record(32, 74, 22, 60))
    case.flags(events_record(32, 70, 22, 55))


PAIN = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pain score"}
MEANS = ("intervention_mean", "intervention_standard_deviation", "comparator_mean",
         "comparator_standard_deviation")  # fmt: skip


def test_two_values_framed_by_the_two_arms_take_the_arm_on_their_side() -> None:
    text = (
        "Results\nThe pain score of women in the aspirin group was 12.3 ± 4.5 after 12 "
        "months compared to 14.1 ± 5.2 in the placebo group (p = 0.54)."
    )
    paper = make_paper(text)
    case = RoleCase(paper, PAIN, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(14.1, 5.2, 12.3, 4.5), RoleCode.arm_mismatch, "intervention_mean")


def test_two_values_after_one_arm_are_not_framed() -> None:
    # Both values follow the aspirin group (two periods); the placebo group comes later.
    text = (
        "Results\nIn the aspirin group the pain score was 12.3 ± 4.5 at 6 months and "
        "14.1 ± 5.2 at 12 months; it did not change in the placebo group."
    )
    record = verify_values(RCT, means_record(12.3, 4.5, 14.1, 5.2), make_paper(text), PAIN)
    assert record["comparator_mean"].triage.value == "check"


def test_group_labels_defined_by_doses_and_an_add_on_comparator_name_their_arms() -> None:
    # The comparator has no word of its own ("ropivacaine + saline" is inside the other
    # arm's name): Group I's definition names all of it and nothing only Group II has.
    text = (
        "Methods\nA total of 60 patients were randomly recruited to two groups of 30 each: "
        "Group I: 30 ml 0.75% ropivacaine + 1 ml normal saline. Group II: 30 ml 0.75% "
        "ropivacaine + 1 mcg/kg clonidine diluted to 1 ml with normal saline."
    )
    table = make_table(
        ["", "Group I (n = 30)", "Group II (n = 30)"],
        ["Onset of sensory block (min)", "4.84 ± 0.65", "4.36 ± 0.81"],
    )
    paper = make_paper(text, table)
    target = {
        "intervention": "ropivacaine + diluted clonidine with saline",
        "comparator": "ropivacaine + saline",
        "outcome": "onset of sensory block",
    }
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(4.36, 0.81, 4.84, 0.65))
    case.flags(means_record(4.84, 0.65, 4.36, 0.81), RoleCode.arm_mismatch, "intervention_mean")


def test_an_arm_named_by_a_negation_is_the_negated_phrase_not_its_words() -> None:
    text = (
        "Methods\nWe studied intensive care unit acquired weakness (ICU-AW).\nResults\nHandgrip "
        "strength differed between patients diagnosed with ICU-AW in comparison to those "
        "without an ICU-AW diagnosis (6.6 ± 4.4 versus 23.4 ± 8.9 kg, P < 0.01)."
    )
    paper = make_paper(text)
    target = {
        "intervention": "Intensive Care Unit acquired weakness (ICU-AW)",
        "comparator": "without an ICU-AW diagnosis",
        "outcome": "handgrip strength",
    }
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(6.6, 4.4, 23.4, 8.9))
    case.flags(means_record(23.4, 8.9, 6.6, 4.4), RoleCode.arm_mismatch, "comparator_mean")


def test_a_negated_arm_in_a_header_of_three_arms() -> None:
    table = make_table(
        ["Variables", "No cooling", "Mild cooling", "Deep cooling"],
        ["Good outcome, n", "2/13", "7/10", "4/10"],
    )
    paper = make_paper("R\nx.", table)
    target = {"intervention": "Deep-cooling", "comparator": "No cooling",
              "outcome": "good outcome"}  # fmt: skip
    record = verify_values(RCT, events_record(4, 10, 2, 13), paper, target)
    names = ("intervention_events", "comparator_events")
    assert triages(record, names) == {"verified"}, [record[n].findings for n in names]
    # The mild-cooling arm is neither: its column binds no arm of this target.
    mild = verify_values(RCT, events_record(7, 10, 2, 13), paper, target)
    assert mild["intervention_events"].triage.value == "check"


def test_a_third_arms_column_is_no_arms_when_the_columns_name_their_arms() -> None:
    # "Aspirin | Ibuprofen | Placebo": the header names the target's two arms in order, but
    # each column has its own header, and Ibuprofen's names neither.
    table = make_table(
        ["", "Aspirin", "Ibuprofen", "Placebo"],
        ["Pain score", "12.3 ± 4.5", "13.0 ± 4.0", "14.1 ± 5.2"],
    )
    paper = make_paper("R\nx.", table)
    record = verify_values(RCT, means_record(12.3, 4.5, 14.1, 5.2), paper, PAIN)
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    third = verify_values(RCT, means_record(12.3, 4.5, 13.0, 4.0), paper, PAIN)
    assert third["comparator_mean"].triage.value == "check"


def test_a_test_result_or_the_bare_word_group_defines_no_label() -> None:
    text = (
        "Results\nHRQoL (intervention women: p = 0.58) did not change. Scores by Group "
        "(FAT pre-training vs post-training) are shown."
    )
    arms = Arms("intervention group, i.e. facial affect training (FAT)", "control group",
                make_paper(text).document)  # fmt: skip
    labels = arms.labels["intervention"] | arms.labels["comparator"]
    assert "hrqol" not in labels and "group" not in labels, labels
    # A definition still defines: "Group F (facial affect training)".
    arms = Arms("facial affect training (FAT)", "control group",
                make_paper("M\nGroup F (facial affect training) met daily.").document)  # fmt: skip
    assert arms.labels["intervention"] == {"group f"}


PAIN_TABLE = make_table(["", "Aspirin", "Placebo"], ["Pain score", "12.3 ± 4.5", "14.1 ± 5.2"])
SIZES = ("intervention_group_size", "comparator_group_size")


def size_record(text: str, n1: int, n2: int) -> dict[str, Extracted[Any]]:
    """The pain means of PAIN_TABLE with the two arms' sizes, checked against `text`."""
    values = {**means_record(12.3, 4.5, 14.1, 5.2), "intervention_group_size": n1,
              "comparator_group_size": n2}  # fmt: skip
    return verify_values(RCT, values, make_paper(text, PAIN_TABLE), PAIN)


def test_a_size_printed_for_each_group_is_every_arms_size() -> None:
    record = size_record("Results\nThus, results are reported for n = 19 patients in each group.",
                         19, 19)  # fmt: skip
    assert triages(record, SIZES) == {"verified"}, [record[n].findings for n in SIZES]
    # Without "each group" the size is no arm's.
    record = size_record("Results\nThus, results are reported for n = 19 patients.", 19, 19)
    assert triages(record, SIZES) == {"check"}


@pytest.mark.parametrize(
    ("sentence", "triage"),
    [
        ("The 38 patients were randomly divided into two groups (n = 19).", "verified"),
        # After the people, not the groups: the total, no arm's size.
        ("The patients (n = 19) were randomly divided into two groups.", "check"),
    ],
)
def test_a_size_after_the_groups_it_divides_into_is_every_arms_size(
    sentence: str, triage: str
) -> None:
    record = size_record(f"Methods\n{sentence}", 19, 19)
    assert triages(record, SIZES) == {triage}, [record[n].findings for n in SIZES]


CLONIDINE = {"intervention": "clonidine", "comparator": "placebo",
             "outcome": "duration of analgesia"}  # fmt: skip


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        # The words say clonidine's is the longer, the second value: the first (the
        # shorter) is the other arm's.
        (
            "The duration of analgesia was prolonged in patients receiving clonidine "
            "(613.10 ± 51.80 min vs. 878.33 ± 89.96 min).",
            RoleCode.arm_mismatch,
        ),
        # No comparison at all: which value is clonidine's is not said.
        (
            "The duration of analgesia in patients receiving clonidine (613.10 ± 51.80 min vs. "
            "878.33 ± 89.96 min).",
            RoleCode.arm_unbound,
        ),
    ],
)
def test_one_arm_before_two_values_binds_them_only_through_a_comparison(
    sentence: str, code: RoleCode
) -> None:
    paper = make_paper("Results\n" + sentence)
    wrong = verify_values(RCT, means_record(613.10, 51.80, 878.33, 89.96), paper, CLONIDINE)
    assert triages(wrong, MEANS) == {"check"}, [wrong[n].findings for n in MEANS]
    assert code in finding_codes(wrong, "intervention_mean")


def test_one_arm_before_two_values_binds_them_when_the_comparison_fits() -> None:
    sentence = (
        "Results\nThe duration of analgesia was prolonged in patients receiving clonidine "
        "(878.33 ± 89.96 min vs. 613.10 ± 51.80 min)."
    )
    record = verify_values(RCT, means_record(878.33, 89.96, 613.10, 51.80), make_paper(sentence),
                           CLONIDINE)  # fmt: skip
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]


def test_a_size_after_both_arms_names_neither() -> None:
    text = (
        "Methods\nThe dose of placebo matching aspirin (n = 45) was given daily. Patients on "
        "aspirin (n = 47) took it with food."
    )
    paper = make_paper(text, PAIN_TABLE)
    values = {**means_record(12.3, 4.5, 14.1, 5.2), "intervention_group_size": 47}
    record = verify_values(RCT, values, paper, PAIN)
    assert record["intervention_group_size"].triage.value == "verified"
    placebo = verify_values(RCT, {**values, "intervention_group_size": 45}, paper, PAIN)
    assert placebo["intervention_group_size"].triage.value == "check"


def test_a_negated_arm_is_named_with_or_without_the_word_group() -> None:
    text = (
        "Results\nA total of 75 patients were randomly assigned to either the Gum (n=38) or "
        "No gum (n=37) group."
    )
    table = make_table(
        ["", "No gum group", "Gum group"], ["Time to flatus (h)", "80.1 ± 10.2", "70.3 ± 9.8"]
    )
    paper = make_paper(text, table)
    target = {"intervention": "Gum-chewing group", "comparator": "No gum group",
              "outcome": "time to flatus"}  # fmt: skip
    values = {**means_record(70.3, 9.8, 80.1, 10.2), "comparator_group_size": 37}
    record = verify_values(RCT, values, paper, target)
    assert record["comparator_group_size"].triage.value == "verified"
    # "No gum (n=37)" is not the gum arm's size.
    swapped = verify_values(RCT, {**values, "intervention_group_size": 37}, paper, target)
    assert swapped["intervention_group_size"].triage.value == "check"


def test_values_with_a_unit_take_the_arms_in_the_order_named() -> None:
    text = (
        "Results\nAt the end, the mean serum levels in the placebo and aspirin groups were "
        "14.1 ± 5.2 ng/mL, 12.3 ± 4.5 ng/mL, respectively."
    )
    paper = make_paper(text)
    target = {**PAIN, "outcome": "serum levels"}
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(14.1, 5.2, 12.3, 4.5))


def test_the_study_group_beside_a_control_group_is_the_intervention() -> None:
    table = make_table(
        ["", "Study group (n=33)", "Control group (n=30)"],
        ["Pain score", "12.3 ± 4.5", "14.1 ± 5.2"],
    )
    paper = make_paper("R\nx.", table)
    target = {"intervention": "Septoplasty", "comparator": "Control", "outcome": "pain score"}
    record = verify_values(RCT, means_record(12.3, 4.5, 14.1, 5.2), paper, target)
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    swapped = verify_values(RCT, means_record(14.1, 5.2, 12.3, 4.5), paper, target)
    assert RoleCode.arm_mismatch in finding_codes(swapped, "intervention_mean")


def test_a_parenthesis_right_after_an_arm_holds_that_arms_values() -> None:
    # "earlier in Group II (x for sensory block and y for motor block) than in Group I
    # (...)": each parenthesis lists one arm's values for two measures; the arm named just
    # before it owns them all.
    paper = make_paper(
        "Methods\nGroup I received ropivacaine with saline. Group II received ropivacaine"
        " with clonidine.\nResults\nThe onset of block was earlier in Group II (4.36 ± 0.81"
        " min for sensory block and 9.83 ± 1.12 min for motor block) than in Group I"
        " (4.84 ± 0.65 min for sensory block and 10.85 ± 0.79 min for motor block)."
    )
    target = {
        "intervention": "ropivacaine with clonidine",
        "comparator": "ropivacaine with saline",
        "outcome": "onset of motor block",
    }
    record = verify_values(RCT, means_record(9.83, 1.12, 10.85, 0.79), paper, target)
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    swapped = verify_values(RCT, means_record(10.85, 0.79, 9.83, 1.12), paper, target)
    assert RoleCode.arm_mismatch in finding_codes(swapped, "intervention_mean")


# An add-on trial's comparison printed in one parenthesis after the arm it favours.
PROLONGED = (
    "Results\nThe duration of analgesia was also prolonged in patients receiving"
    " clonidine (613.10 ± 51.80 min vs. 878.33 ± 89.96 min)."
)
ADD_ON_CLONIDINE = {
    "intervention": "ropivacaine with clonidine",
    "comparator": "ropivacaine with saline",
    "outcome": "duration of analgesia",
}


def test_two_arms_values_in_one_parenthesis_after_an_arm_are_not_all_that_arms() -> None:
    # "prolonged with clonidine (613.10 ± 51.80 vs. 878.33 ± 89.96)": a comparison inside
    # the parenthesis, one value per arm; the parenthesis rule must not give both to one.
    paper = make_paper(PROLONGED)
    target = ADD_ON_CLONIDINE
    record = verify_values(RCT, means_record(613.10, 51.80, 878.33, 89.96), paper, target)
    assert "verified" not in triages(record, ("intervention_mean", "comparator_mean"))


def test_a_negated_arm_word_names_the_other_arm() -> None:
    # "Intervention | No Intervention": the second column is the arm without the
    # intervention, the comparator, though its header says "intervention" too.
    table = make_table(
        ["Surgical outcomes Intervention No Intervention N = 326 N = 326", "P"],
        ["Any complications 238 (73.0%) 241 (73.9%)", "0.86"],
        ["Delirium 36 (11.0%) 30 (9.2%)", "0.52"],
        caption="Table 3 Postoperative outcomes",
    )
    paper = make_paper("Results\nOutcomes are in Table 3.", table)
    target = {
        "intervention": "intervention group, patient empowerment through a booklet",
        "comparator": "control group, which received standard care",
        "outcome": "any complications",
    }
    record = verify_values(RCT, events_record(238, 326, 241, 326), paper, target)
    assert triages(record, BINARY) == {"verified"}, [record[n].findings for n in BINARY]
    swapped = verify_values(RCT, events_record(241, 326, 238, 326), paper, target)
    assert RoleCode.arm_mismatch in finding_codes(swapped, "intervention_events")
    arms = Arms("aspirin", "placebo", None)
    assert arms.arm_of("No aspirin") == "comparator"
    assert arms.arm_of("Without placebo") == "intervention"
    # the negation covers the arm's whole name: "With or Without Internal Drainage" names
    # the arm without drainage only, never the drained arm too
    drainage = Arms("internal drainage group", "stentless cases", None)
    assert {m[2] for m in drainage.mentions("With or Without Internal Drainage")} == {"comparator"}


def test_a_row_naming_only_its_time_takes_the_arm_of_the_timed_row_above() -> None:
    # "FAT Pre" then "Post", "TAU Pre" then "Post": arms as row groups, each arm's first
    # row naming it with its time; "CE Pre" names a third arm, so its "Post" is no arm's.
    table = make_table(
        ["", "Processing speed", "Working memory"],
        ["FAT Pre", "39.5 ± 10.6", "44.6 ± 10.2"],
        ["Post", "44.6 ± 12.2", "48.2 ± 9.2"],
        ["CE Pre", "40.1 ± 14.4", "48.9 ± 10.7"],
        ["Post", "44.2 ± 13.5", "49.9 ± 14.7"],
        ["TAU Pre", "41.8 ± 11.1", "47.9 ± 13.0"],
        ["Post", "48.3 ± 12.3", "50.8 ± 12.1"],
        caption="Table 2 Test scores before (pre) and after (post) the intervention period",
    )
    paper = make_paper("Results\nScores are in Table 2.", table)
    target = {
        "intervention": "facial affect training (FAT)",
        "comparator": "treatment as usual (TAU)",
        "outcome": "working memory after the intervention",
    }
    record = verify_values(RCT, means_record(48.2, 9.2, 50.8, 12.1), paper, target)
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    swapped = verify_values(RCT, means_record(50.8, 12.1, 48.2, 9.2), paper, target)
    assert RoleCode.arm_mismatch in finding_codes(swapped, "intervention_mean")
    third = verify_values(RCT, means_record(49.9, 14.7, 50.8, 12.1), paper, target)
    assert RoleCode.arm_unbound in finding_codes(third, "intervention_mean")


def test_a_comparisons_direction_says_whose_value_is_whose() -> None:
    # "prolonged in patients receiving clonidine (613.10 vs. 878.33)": the clonidine arm's
    # duration is the longer, the second value, whatever the order
    paper = make_paper(PROLONGED)
    target = ADD_ON_CLONIDINE
    record = verify_values(RCT, means_record(878.33, 89.96, 613.10, 51.80), paper, target)
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    swapped = verify_values(RCT, means_record(613.10, 51.80, 878.33, 89.96), paper, target)
    assert RoleCode.arm_mismatch in finding_codes(swapped, "intervention_mean")


STONES = {"intervention": "laparoscopic ureterolithotomy", "comparator": "flexible ureteroscopy",
          "outcome": "operative time"}  # fmt: skip


@pytest.mark.parametrize(
    "sentence",
    [
        "The mean operative time was 74.1 ± 12.2 min in Group I and 78.1 ± 6.4 min in Group II.",
        # One word "group" for both labels: "group I and II".
        "The mean operative time was 74.1 ± 12.2 and 78.1 ± 6.4 min in group I and II, "
        "respectively.",
    ],
)
def test_a_group_label_in_parentheses_after_an_arms_name_names_that_arm(sentence: str) -> None:
    # "treated with F-URS (Group II)": the arm named by its abbreviation only.
    text = (
        "Methods\n22 patients were treated with laparoscopic ureterolithotomy (Group I), and 20 "
        "patients were treated with flexible ureteroscopy (F-URS) later; in all, 20 were treated "
        f"with F-URS (Group II).\nResults\n{sentence}"
    )
    paper = make_paper(text)
    record = verify_values(RCT, means_record(74.1, 12.2, 78.1, 6.4), paper, STONES)
    assert triages(record, MEANS) == {"verified"}, [record[n].findings for n in MEANS]
    swapped = verify_values(RCT, means_record(78.1, 6.4, 74.1, 12.2), paper, STONES)
    assert RoleCode.arm_mismatch in finding_codes(swapped, "intervention_mean")


@pytest.mark.parametrize(
    "sentence",
    [
        # Each arm's size in a sentence of its own: no other arm's number beside it.
        "The aspirin group consisted of 60 patients. Later, the placebo group consisted "
        "of 61 patients.",
        "In total, 60 patients were randomized to aspirin. Then 61 patients were "
        "randomized to placebo.",
    ],
)
def test_a_size_defined_in_words_is_its_arms_size(sentence: str) -> None:
    record = size_record(f"Methods\n{sentence}", 60, 61)
    assert triages(record, SIZES) == {"verified"}, [record[n].findings for n in SIZES]
    record = size_record(f"Methods\n{sentence}", 61, 60)  # the arms' sizes swapped
    assert RoleCode.arm_mismatch in finding_codes(record, "intervention_group_size")


def test_an_arm_in_a_text_column_beside_the_outcomes_label_names_the_row() -> None:
    # "Left colon | RMD | 14.9 ± 9.9 | 10.2 ± 8.6": arms as rows in a column of their own
    # ("Treatment") beside the outcome's label, each label printed for both arms' rows.
    table = make_table(
        ["Colonic transit time (h)", "Treatment", "Baseline", "Week 3"],
        ["Left colon", "RMD", "14.9 ± 9.9", "10.2 ± 8.6"],
        ["Left colon", "Placebo", "9.4 ± 9.1", "12.1 ± 9.5"],
        ["Right colon", "RMD", "12.3 ± 8.0", "12.3 ± 8.7"],
        ["Right colon", "Placebo", "12.6 ± 12.8", "12.4 ± 9.4"],
        caption="Table 2 Colonic transit time for each group at week 3",
        header_rows=1,
    )
    paper = make_paper("Methods\nResistant maltodextrin (RMD) or placebo for 3 weeks.", table)
    target = {
        "intervention": "resistant maltodextrin",
        "comparator": "placebo",
        "outcome": "left colonic transit time at week 3",
    }
    case = RoleCase(paper, target, MEANS)
    case.verifies(means_record(10.2, 8.6, 12.1, 9.5))
    case.flags(means_record(12.1, 9.5, 10.2, 8.6), RoleCode.arm_mismatch, "intervention_mean")


def test_an_arm_joined_to_its_size_by_of_names_it_whatever_follows() -> None:
    # "a control group of 10 adults who were not exposed to such noise": the arm right
    # before the number, joined by "of", is the number's; the later "noise" is not.
    sentence = (
        "Methods\nThe participants were divided into a group of 19 firefighters exposed to "
        "occupational noise and a control group of 10 adults who were not exposed to such noise."
    )
    target = {"intervention": "occupational noise", "comparator": "control",
              "outcome": "correct responses"}  # fmt: skip
    case = RoleCase(make_paper(sentence), target, SIZES)
    sizes = {"outcome_type": "binary", "intervention_group_size": 19, "comparator_group_size": 10}
    case.verifies(sizes)
    swapped = {**sizes, "intervention_group_size": 10, "comparator_group_size": 19}
    case.flags(swapped, RoleCode.arm_mismatch, "comparator_group_size")


GLYCAEMIA = (
    "Results\nThe mean capillary glycemia during 4 h of infusion were 0.83 ± 0.05, "
    "0.92 ± 0.07, 0.74 ± 0.05 and 0.82 ± 0.05 g/l on normal saline, dextrose 5%, normal "
    "saline containing quinine and dextrose 5% containing quinine respectively."
)


def test_values_listed_for_more_arms_take_the_names_that_fit_the_targets_arms() -> None:
    # Four arms listed "respectively"; the target compares two of them. "Saline without
    # quinine" is the plain saline arm: the name holding quinine is not it.
    target = {
        "intervention": "Saline + Quinine infusion",
        "comparator": "Saline without Quinine infusion",
        "outcome": "glycemic level",
    }
    case = RoleCase(make_paper(GLYCAEMIA), target, MEANS)
    case.verifies(means_record(0.74, 0.05, 0.83, 0.05))
    case.flags(means_record(0.83, 0.05, 0.74, 0.05), RoleCode.arm_mismatch, "intervention_mean")
    # The dextrose arm with quinine fits "Saline + Quinine" no better than the saline arm
    # with quinine fits "dextrose + quinine": neither value of the pair is bound by the
    # other words of the sentence ("saline" after 0.82 names no arm of it).
    other = {**target, "comparator": "dextrose 5% + Quinine infusion"}
    record = verify_values(RCT, means_record(0.82, 0.05, 0.74, 0.05), make_paper(GLYCAEMIA), other)
    assert record["intervention_mean"].triage == "check"


def test_values_listed_for_timepoints_keep_the_arm_the_sentence_names() -> None:
    # "respectively" over timepoints, not arms: no listed name names an arm, so the
    # sentence's arm ("in the aspirin group") places the value, as without the list.
    text = (
        "Results\nPain scores were 4.1 ± 1.2, 3.2 ± 1.1 and 2.5 ± 0.9 at 2, 6 and 12 weeks, "
        "respectively, in the aspirin group."
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pain scores"}
    record = verify_values(RCT, means_record(2.5, 0.9, 3.9, 1.1), make_paper(text), target)
    assert RoleCode.arm_unbound not in finding_codes(record, "intervention_mean")


@pytest.mark.parametrize(
    "sentence",
    [
        # two values joined by "and", the arms named as a pair after them or before them
        "Pain scores were 12.3 ± 4.5 and 14.1 ± 5.2 for the aspirin and placebo groups.",
        "The aspirin and placebo groups had pain scores of 12.3 ± 4.5 and 14.1 ± 5.2.",
        "The pain score was lower in the aspirin group than in the placebo group (12.3 ± 4.5 "
        "and 14.1 ± 5.2, P = 0.02).",
        # each value framed by its own arm: the first named before, the second right after
        "Patients receiving aspirin reported a mean pain score of 12.3 ± 4.5, versus 14.1 ± 5.2 "
        "among those receiving placebo.",
        # the first value's own parenthesis between them, in square brackets
        "The pain score was lower in the aspirin group than in the placebo group [12.3 (4.5) "
        "vs. 14.1 (5.2), P = 0.02].",
    ],
)
def test_values_given_in_the_order_the_arms_are_named_as_a_pair(sentence: str) -> None:
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pain score"}
    means = ("intervention_mean", "comparator_mean")
    case = RoleCase(make_paper(f"Results\n{sentence}"), target, means)
    case.verifies(means_record(12.3, 4.5, 14.1, 5.2))
    case.flags(means_record(14.1, 5.2, 12.3, 4.5))


def test_events_in_brackets_after_the_arms_named_as_a_pair() -> None:
    sentence = (
        "Results\nThe incidence of pain was lower in the aspirin group than in the placebo "
        "group [12/60 (20%) vs. 20/61 (33%), P = 0.03]."
    )
    target = {"intervention": "aspirin", "comparator": "placebo", "outcome": "pain"}
    case = RoleCase(make_paper(sentence), target, ("intervention_events", "comparator_events"))
    case.verifies(events_record(12, 60, 20, 61))
    case.flags(events_record(20, 61, 12, 60))
