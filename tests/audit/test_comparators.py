"""Typed comparators, normalisation and one-to-one alignment."""

from __future__ import annotations

from dataclasses import replace

import pytest

from schemas.align import align_items
from schemas.compare import CellClass, RecordComparer
from schemas.fm_imaging import FORM as FM
from schemas.kinds import coerce_value, number_value
from schemas.rct_outcomes import FORM as RCT
from schemas.values import Unparsed, ValueProblem, normalize_text

C = CellClass


def classes(form, gold: dict, pred: dict, fields=None) -> dict[str, CellClass]:
    specs = fields or list(form.fields)
    cells = RecordComparer(specs).compare("P1", None, gold, pred)
    return {c.field: c.cls for c in cells if c.top}


def test_five_classes_on_scalars() -> None:
    got = classes(
        RCT,
        {
            "intervention_events": 10,
            "comparator_events": 5,
            "intervention_group_size": None,
            "comparator_group_size": 40,
            "outcome_type": "binary",
        },
        {
            "intervention_events": 10,
            "comparator_events": 6,
            "intervention_group_size": 50,
            "comparator_group_size": None,
            "outcome_type": "binary",
        },
    )
    assert got["intervention_events"] is C.correct
    assert got["comparator_events"] is C.incorrect
    assert got["intervention_group_size"] is C.fabricated
    assert got["comparator_group_size"] is C.missed
    assert got["intervention_mean"] is C.both_empty
    assert got["outcome_type"] is C.correct


def test_number_tolerance_from_form_and_override() -> None:
    spec = RCT.field("intervention_mean")  # abs 0.005 or rel 0.5 %
    cmp = RecordComparer([spec])
    assert cmp.compare("P", None, {spec.name: 12.30}, {spec.name: 12.304})[0].cls is C.correct
    assert cmp.compare("P", None, {spec.name: 12.30}, {spec.name: 12.4})[0].cls is C.incorrect
    assert cmp.compare("P", None, {spec.name: 1000.0}, {spec.name: 1004.0})[0].cls is C.correct
    exact = RecordComparer([replace(spec, tolerance_abs=0, tolerance_rel=0)])
    assert exact.compare("P", None, {spec.name: 12.30}, {spec.name: 12.304})[0].cls is C.incorrect
    assert exact.compare("P", None, {spec.name: 0.3}, {spec.name: 0.1 + 0.2})[0].cls is C.correct


def test_integers_are_exact() -> None:
    spec = RCT.field("intervention_events")
    cmp = RecordComparer([spec])
    assert cmp.compare("P", None, {spec.name: 1000}, {spec.name: 1001})[0].cls is C.incorrect


def test_strings_normalised_with_aliases() -> None:
    spec = replace(FM.field("model_name"), aliases={"SAM Med 3D": "SAM-Med3D"})
    cmp = RecordComparer([spec])
    assert cmp.compare("P", None, {spec.name: "SAM-Med3D"}, {spec.name: "sam med3d"})[0].cls is (
        C.correct
    )
    assert cmp.compare("P", None, {spec.name: "SAM-Med3D"}, {spec.name: "SAM Med 3D"})[0].cls is (
        C.correct
    )
    assert cmp.compare("P", None, {spec.name: "SAM-Med3D"}, {spec.name: "MedSAM"})[0].cls is (
        C.incorrect
    )
    assert normalize_text("  ViT-B/16 ") == normalize_text("vit b 16")


def test_list_fields_precision_recall() -> None:
    spec = FM.field("modalities")
    cell = RecordComparer([spec]).compare(
        "P", None, {spec.name: ["ct", "mri", "pet"]}, {spec.name: ["mri", "ct", "xray"]}
    )[0]
    assert (cell.tp, cell.fp, cell.fn, cell.cls) == (2, 1, 1, C.incorrect)
    same = RecordComparer([spec]).compare(
        "P", None, {spec.name: ["ct", "mri"]}, {spec.name: ["mri", "ct"]}
    )[0]
    assert same.cls is C.correct
    empty = RecordComparer([spec]).compare("P", None, {spec.name: None}, {spec.name: []})[0]
    assert empty.cls is C.both_empty


def test_object_field_compared_by_parts() -> None:
    spec = FM.field("pretraining_data_size")  # size: 5 % relative tolerance
    cells = RecordComparer([spec]).compare(
        "P",
        None,
        {spec.name: {"size": 100000.0, "size_unit": "images"}},
        {spec.name: {"size": 103000.0, "size_unit": "volumes"}},
    )
    by = {c.field: c.cls for c in cells}
    assert by == {
        "pretraining_data_size": C.incorrect,
        "pretraining_data_size.size": C.correct,
        "pretraining_data_size.size_unit": C.incorrect,
    }


def test_list_of_objects_aligned_regardless_of_order() -> None:
    spec = FM.field("results")
    gold = [
        {"task": "segmentation", "dataset": "BTCV", "metric": "Dice", "value": 0.85},
        {"task": "classification", "dataset": "ChestX-ray14", "metric": "AUC", "value": 0.91},
        {"task": "segmentation", "dataset": "AMOS", "metric": "Dice", "value": 0.80},
    ]
    pred = [
        {"task": "classification", "dataset": "ChestXray14", "metric": "AUC", "value": 0.91},
        {"task": "segmentation", "dataset": "BTCV", "metric": "Dice", "value": 0.70},
        {"task": "detection", "dataset": "LUNA16", "metric": "mAP", "value": 0.5},
    ]
    cells = RecordComparer([spec]).compare("P", None, {spec.name: gold}, {spec.name: pred})
    whole = cells[0]
    assert (whole.field, whole.tp, whole.fp, whole.fn, whole.cls) == (
        "results",
        2,
        1,
        1,
        C.incorrect,
    )
    values = [c for c in cells if c.field == "results.value"]
    assert sorted(c.cls for c in values) == sorted([C.correct, C.incorrect])
    unpaired = {(c.cls, c.item) for c in cells if c.field == "results" and not c.top}
    assert (C.missed, "gold #3, no predicted match") in unpaired
    assert (C.fabricated, "predicted #3, no gold match") in unpaired


def test_alignment_is_optimal_not_greedy() -> None:
    # Greedy in gold order pairs gold #1 with predicted #1 (0.870 > 0.867) and leaves gold #2
    # the worse partner (0.741); the optimal assignment takes 0.867 + 1.0 instead.
    gold = [{"name": "chest xray 14"}, {"name": "chest xray"}]
    pred = [{"name": "chest xray"}, {"name": "chest xray 14 nih"}]
    alignment = align_items(gold, pred, ["name"])
    assert sorted((g, p) for g, p, _ in alignment.pairs) == [(0, 1), (1, 0)]
    assert alignment.gold_only == [] and alignment.pred_only == []


def test_alignment_threshold_leaves_dissimilar_items_unpaired() -> None:
    alignment = align_items([{"name": "MIMIC-CXR"}], [{"name": "LIDC-IDRI"}], ["name"])
    assert alignment.pairs == [] and alignment.gold_only == [0] and alignment.pred_only == [0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,525", 1525),
        (" 12 ", 12),
        ("\u22123.5", -3.5),
        ("6,032.37", 6032.37),
        (7, 7),
        ("1,5", 1.5),
    ],
)
def test_parse_number(text, value) -> None:
    assert number_value(text) == value


def test_numeric_text_keep_refuses_text() -> None:
    with pytest.raises(ValueProblem):
        number_value("1,525", "keep")


def test_coerce_rejects_wrong_types() -> None:
    with pytest.raises(ValueProblem, match="whole number"):
        coerce_value(RCT.field("intervention_events"), 12.5)
    with pytest.raises(ValueProblem, match="not one of"):
        coerce_value(RCT.field("outcome_type"), "ordinal")
    assert coerce_value(RCT.field("outcome_type"), "Binary") == "binary"
    assert coerce_value(FM.field("code_available"), "yes") is True
    assert coerce_value(FM.field("modalities"), "CT; MRI") == ["ct", "mri"]


def test_unparsed_text_matches_only_identical_text() -> None:
    spec = RCT.field("intervention_group_size")
    cmp = RecordComparer([spec])
    assert cmp.compare("P", None, {spec.name: Unparsed("1,525")}, {spec.name: 1525})[0].cls is (
        C.incorrect
    )
    assert (
        cmp.compare("P", None, {spec.name: Unparsed("n/a")}, {spec.name: Unparsed("n/a")})[0].cls
        is C.correct
    )
