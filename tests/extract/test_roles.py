"""Role checks on small documents: a number is verified only in the role its field names."""

from __future__ import annotations

from typing import Any

import pytest
from doubles.documents import make_document
from roles_helpers import RCT, finding_codes, make_paper, make_table

from extractor.check import Code, check_record, triage
from extractor.roles import Passed, RoleCode, RoleScore, role_score
from extractor.roles.effects import ESTIMATE
from extractor.verify import verify_values
from schemas.custom import load_yaml_form
from schemas.extracted import Evidence, Extracted, Status
from schemas.registry import load_form

FM = load_form("fm_imaging")
TARGET = {"intervention": "aspirin", "comparator": "placebo", "outcome": "death"}
GOLD = {
    "outcome_type": "binary",
    "intervention_events": 12,
    "intervention_group_size": 60,
    "comparator_events": 20,
    "comparator_group_size": 61,
}
SWAPPED = {
    "outcome_type": "binary",
    "intervention_events": 20,
    "intervention_group_size": 61,
    "comparator_events": 12,
    "comparator_group_size": 60,
}
NUMBERS = [k for k in GOLD if k != "outcome_type"]


ARMS_TABLE = make_table(
    ["", "Aspirin (n = 60)", "Placebo (n = 61)"],
    ["Death", "12 (20.0)", "20 (32.8)"],
    ["Stroke", "3 (5.0)", "9 (14.8)"],
)


def test_values_in_their_column_and_row_are_verified() -> None:
    record = verify_values(RCT, GOLD, make_paper("Results\nSee Table 2.", ARMS_TABLE), TARGET)
    for name in NUMBERS:
        assert record[name].triage == "verified", (name, record[name].findings)
    events = record["intervention_events"]
    assert {Passed.arm, Passed.outcome, Passed.pair, Passed.both_arms} <= set(events.checks_passed)
    assert Passed.group_size in record["comparator_group_size"].checks_passed


def test_swapped_arms_fail_arm_binding() -> None:
    record = verify_values(RCT, SWAPPED, make_paper("Results\nSee Table 2.", ARMS_TABLE), TARGET)
    for name in NUMBERS:
        assert record[name].triage == "check"
    assert RoleCode.arm_mismatch in finding_codes(record, "intervention_events")
    assert RoleCode.arm_mismatch in finding_codes(record, "intervention_group_size")


def test_another_outcomes_row_fails_outcome_binding() -> None:
    stroke = {**GOLD, "intervention_events": 3, "comparator_events": 9}
    record = verify_values(RCT, stroke, make_paper("Results\nSee Table 2.", ARMS_TABLE), TARGET)
    assert record["intervention_events"].triage == "check"
    assert RoleCode.outcome_unbound in finding_codes(record, "intervention_events")


def test_group_labels_defined_elsewhere_name_the_arm() -> None:
    text = (
        "Methods\nGroup A (n = 60) received aspirin 100 mg daily. "
        "Group B (n = 61) received placebo tablets."
    )
    table = make_table(["", "Group A", "Group B"], ["Death", "12/60", "20/61"])
    record = verify_values(RCT, GOLD, make_paper(text, table), TARGET)
    for name in NUMBERS:
        assert record[name].triage == "verified", (name, record[name].findings)


def test_a_row_printed_for_several_timepoints_is_ambiguous_unless_the_target_names_one() -> None:
    table = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"],
        ["6 months", "", ""],
        ["Death", "12 (20.0)", "20 (32.8)"],
        ["12 months", "", ""],
        ["Death", "14 (23.3)", "25 (41.0)"],
    )
    paper = make_paper("Results\nSee Table 2.", table)
    record = verify_values(RCT, GOLD, paper, TARGET)
    assert RoleCode.timepoint_ambiguous in finding_codes(record, "intervention_events")
    assert record["intervention_events"].triage == "check"
    named = {**TARGET, "outcome": "death at 6 months"}
    record = verify_values(RCT, GOLD, paper, named)
    assert record["intervention_events"].triage == "verified"


def test_events_and_percentage_must_agree_with_the_group_size() -> None:
    table = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"], ["Death", "12 (30.0)", "20 (32.8)"]
    )
    record = verify_values(RCT, GOLD, make_paper("Results\nSee Table 2.", table), TARGET)
    assert RoleCode.pair_mismatch in finding_codes(record, "intervention_events")
    printed_with_sign = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"], ["Death", "12 (30.0%)", "20 (32.8%)"]
    )
    paper = make_paper("Results\nSee Table 2.", printed_with_sign)
    (finding,) = verify_values(RCT, GOLD, paper, TARGET)["intervention_events"].findings
    assert finding.message == "printed with 30.0 %, but 12 of 60 is 20.0 %"


def test_a_mean_must_stand_with_its_sd() -> None:
    values = {
        "outcome_type": "continuous",
        "intervention_mean": 12.3,
        "intervention_standard_deviation": 4.5,
        "comparator_mean": 14.1,
        "comparator_standard_deviation": 5.2,
        "intervention_group_size": 60,
        "comparator_group_size": 61,
    }
    table = make_table(
        ["", "Aspirin (n = 60)", "Placebo (n = 61)"], ["Pain score", "12.3 ± 4.5", "14.1 ± 5.2"]
    )
    target = {**TARGET, "outcome": "pain score"}
    paper = make_paper("Results\nSee Table 2.", table)
    record = verify_values(RCT, values, paper, target)
    for name in values:
        assert record[name].triage == "verified", (name, record[name].findings)
    wrong = verify_values(RCT, {**values, "intervention_standard_deviation": 5.0}, paper, target)
    assert RoleCode.pair_mismatch in finding_codes(wrong, "intervention_mean")
    assert RoleCode.not_printed in finding_codes(wrong, "intervention_standard_deviation")


def test_both_arms_in_one_sentence() -> None:
    text = "Results\nDeath occurred in 12 of 60 patients on aspirin and 20 of 61 on placebo."
    record = verify_values(RCT, GOLD, make_paper(text), TARGET)
    for name in NUMBERS:
        assert record[name].triage == "verified", (name, record[name].findings)
    swapped = verify_values(RCT, SWAPPED, make_paper(text), TARGET)
    assert RoleCode.arm_mismatch in finding_codes(swapped, "intervention_events")


def test_group_sizes_must_match_the_sizes_printed_for_the_arm() -> None:
    record = verify_values(
        RCT, {**GOLD, "intervention_group_size": 58}, make_paper("Results\nx.", ARMS_TABLE), TARGET
    )
    assert RoleCode.group_size_mismatch in finding_codes(record, "intervention_group_size")
    assert record["intervention_group_size"].triage == "check"


def test_a_printed_effect_must_follow_from_the_numbers() -> None:
    text = (
        "Results\nDeath occurred in 12 of 60 patients on aspirin and 20 of 60 on placebo "
        "(RR 0.60, 95% CI 0.32 to 1.12)."
    )
    values = {**GOLD, "comparator_group_size": 60}
    record = verify_values(RCT, values, make_paper(text), TARGET)
    assert Passed.effect in record["intervention_events"].checks_passed
    odds = text.replace("RR 0.60", "RR 0.75")
    record = verify_values(RCT, values, make_paper(odds), TARGET)
    assert RoleCode.effect_mismatch in finding_codes(record, "intervention_events")


def test_a_value_only_printed_somewhere_is_never_verified() -> None:
    text = "Results\nWe screened 12 centres, 60 wards, 20 nurses and 61 pharmacists."
    record = verify_values(RCT, GOLD, make_paper(text), TARGET)
    for name in NUMBERS:
        assert record[name].triage == "check"
        assert record[name].reasons  # and the reasons say why


def test_role_score_counts_passed_and_failed_role_checks() -> None:
    paper = make_paper("Results\nSee Table 2.", ARMS_TABLE)
    good = verify_values(RCT, GOLD, paper, TARGET)["intervention_events"]
    bad = verify_values(RCT, SWAPPED, paper, TARGET)["intervention_events"]
    assert role_score(good).failed == 0 and role_score(good).passed >= 4
    assert role_score(bad).failed >= 1
    assert role_score(good).better_than(role_score(bad))
    assert not RoleScore(3, 1).better_than(RoleScore(3, 0))
    assert role_score(Extracted(value=1)) == RoleScore(0, 0)


def _quoted(value: Any, quote: str, document) -> Extracted[Any]:
    start = document.text.index(quote)
    evidence = Evidence(
        quote=quote, char_start=start, char_end=start + len(quote), alignment="exact", page=1
    )
    return Extracted(value=value, status=Status.reported, evidence=[evidence])


def _fm(document, **fields: Extracted[Any]) -> dict[str, Extracted[Any]]:
    record = {spec.name: Extracted() for spec in FM.fields}
    record.update(fields)
    for name, found in check_record(FM, record, document).items():
        record[name].findings = found
    triage(FM, record)
    return record


def test_a_judged_class_needs_its_defining_words_in_its_quote() -> None:
    document = make_document(
        ["Methods\nWe pretrain a ViT on 1M chest X-rays. It is a vision-language model."]
    )
    vague = _fm(
        document,
        model_category=_quoted(
            "vision_language", "We pretrain a ViT on 1M chest X-rays.", document
        ),
    )
    assert Code.class_terms_missing in finding_codes(vague, "model_category")
    assert vague["model_category"].triage == "check"
    named = _fm(
        document,
        model_category=_quoted("vision_language", "It is a vision-language model.", document),
    )
    assert named["model_category"].triage == "verified"


def test_a_class_named_only_in_the_reference_list_has_no_support() -> None:
    # A cited title ("A vision-language model for ...") is another paper's words: the tool's
    # own search for a class's words leaves the reference list out.
    cited = "References\n1. Wang X. A vision-language model for chest X-rays. 2023."
    only_cited = make_paper(f"Methods\nWe pretrain a ViT on 1M chest X-rays.\n\n{cited}")
    record = verify_values(FM, {"model_category": "vision_language"}, only_cited)
    assert Code.class_terms_missing in finding_codes(record, "model_category")
    assert record["model_category"].triage == "check"
    named = make_paper(f"Methods\nIt is a vision-language model.\n\n{cited}")
    record = verify_values(FM, {"model_category": "vision_language"}, named)
    assert record["model_category"].triage == "verified"
    assert "It is a vision-language model." in record["model_category"].evidence[0].quote


@pytest.mark.parametrize(
    ("text", "code", "triaged"),
    [
        ("Methods\nData came from one hospital.", None, "verified"),
        ("Methods\nA multicenter cohort of five hospitals.", Code.absence_contradicted, "check"),
    ],
)
def test_a_boolean_false_needs_the_forms_absence_rule(text, code, triaged) -> None:
    document = make_document([text])
    record = _fm(document, multi_center=Extracted(value=False, status=Status.reported))
    assert record["multi_center"].triage == triaged
    if code:
        assert code in finding_codes(record, "multi_center")


def test_a_list_of_objects_is_checked_item_by_item() -> None:
    document = make_document(["Methods\nWe pretrain on MIMIC-CXR with 377,110 images."])
    quote = "We pretrain on MIMIC-CXR with 377,110 images."
    ok = _quoted([{"name": "MIMIC-CXR", "size": 377110, "size_unit": "images"}], quote, document)
    invented = _quoted([{"name": "CheXpert", "size": 377110}], quote, document)
    assert _fm(document, pretraining_datasets=ok)["pretraining_datasets"].triage == "verified"
    bad = _fm(document, pretraining_datasets=invented)
    assert Code.value_not_in_quote in finding_codes(bad, "pretraining_datasets")


def test_a_yaml_form_declares_roles_and_gets_role_checks(tmp_path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(
        "name: mini\ntargeted: true\n"
        "effect_roles: {ai: a_events, n1i: a_n, ci: b_events, n2i: b_n}\n"
        "absence_terms: {blinded: [blind, blinded, masked]}\n"
        "fields:\n"
        "  - {name: a_events, type: integer}\n  - {name: a_n, type: integer}\n"
        "  - {name: b_events, type: integer}\n  - {name: b_n, type: integer}\n"
        "  - {name: blinded, type: boolean}\n"
    )
    form = load_yaml_form(path)
    values = {"a_events": 20, "a_n": 61, "b_events": 12, "b_n": 60, "blinded": False}
    record = verify_values(form, values, make_paper("Results\nSee Table 2.", ARMS_TABLE), TARGET)
    assert RoleCode.arm_mismatch in finding_codes(record, "a_events")
    assert record["blinded"].triage == "verified"  # no "blind" anywhere: the absence rule holds


def test_a_size_the_events_are_not_printed_out_of_is_doubted() -> None:
    # 60 randomised to aspirin, 58 analysed for death: 12/58 says which N the events have.
    table = make_table(["", "Aspirin (n = 60)", "Placebo (n = 61)"], ["Death", "12/58", "20/61"])
    record = verify_values(RCT, GOLD, make_paper("Results\nSee Table 2.", table), TARGET)
    assert RoleCode.group_size_mismatch in finding_codes(record, "intervention_group_size")
    assert record["comparator_group_size"].triage == "verified"


def test_a_lowercase_or_and_a_thousands_count_print_no_estimate() -> None:
    # Seen on PMC3687098: "… or a comparator (n = 6,885)" was read as an odds ratio of 6.
    assert ESTIMATE.search("sitagliptin (n = 7,726) or a comparator (n = 6,885)") is None
    found = ESTIMATE.search("the odds ratio was 1.56 (95% CI 1.10 to 2.21)")
    assert found is not None and found["value"] == "1.56"
    assert ESTIMATE.search("OR 0.45")["measure"] == "OR"
