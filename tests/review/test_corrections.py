"""Human corrections: typed parsing, survival over model runs, history, diff, CSV import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from review_testdata import MINI_FORM, FakeExtractor, fake_pipeline, write_pdf
from rich.console import Console

from extractor.review.corrections import (
    Correction,
    CorrectionError,
    apply_corrections,
    parse_value,
    read_adjudications,
)
from extractor.review.records import current_records, diff_states, run_cutoff
from extractor.review.store import ReviewStore
from extractor.review.update import run_update
from schemas.errors import InputError

QUIET = Console(quiet=True)


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("year", "2020", (2020, "reported")),
        ("score", "0.91", (0.91, "reported")),
        ("public", "yes", (True, "reported")),
        ("modalities", "ct; xray", (["ct", "xray"], "reported")),
        ("modalities", '["mri"]', (["mri"], "reported")),
        ("arms", '[{"name": "B", "size": 12}]', ([{"name": "B", "size": 12}], "reported")),
        ("title", "NA", (None, "not_reported")),
        ("score", "unclear: 0.5", (0.5, "unclear")),
        ("year", "2,020", (2020, "reported")),
        ("score", "1,5", (1.5, "reported")),  # a decimal comma, as papers print it (not 15)
        ("score", "\u22120.3", (-0.3, "reported")),
        ("modalities", "CT; xray", (["ct", "xray"], "reported")),
        ("title", "Unclear results of a trial", ("Unclear results of a trial", "reported")),
    ],
)
def test_values_are_parsed_per_field_type(field: str, text: str, expected: tuple) -> None:
    assert parse_value(MINI_FORM, field, text) == expected


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("year", "2020.5", "not a whole number"),
        ("year", "twenty", "not a number"),
        ("score", "1,5 ± 0,2", "not a number"),
        ("public", "maybe", "not a boolean"),
        ("modalities", "ct; pet", "'pet' is not one of ct, mri, xray"),
        ("arms", '[{"name": "B", "size": "many"}]', "not a valid list_object"),
        ("nope", "1", "has no field 'nope'"),
    ],
)
def test_invalid_values_are_refused_clearly(field: str, text: str, message: str) -> None:
    with pytest.raises(CorrectionError, match=message):
        parse_value(MINI_FORM, field, text)


def _reviewed(review: Path, fake: FakeExtractor) -> None:
    write_pdf(review / "papers" / "p0.pdf", "Deep Learning for Chest Radiographs in Hospitals")
    run_update(review, pipeline=fake_pipeline(fake), console=QUIET, progress=False)


def test_correction_survives_later_model_runs(review: Path) -> None:
    fake = FakeExtractor()
    _reviewed(review, fake)
    with ReviewStore(review / "review.sqlite") as store:
        [human] = apply_corrections(
            store,
            MINI_FORM,
            [Correction("p0", "score", 0.93, "reported", "ana", "Table 2 says 0.93")],
        )
        assert (human.version, human.origin) == (2, "human")
        assert human.record["score"].value == 0.93
        assert human.provenance["corrected_by"] == "ana"
    fake.score = 0.1  # a new model that disagrees
    run_update(review, pipeline=fake_pipeline(fake, model="model-2"), console=QUIET, progress=False)
    with ReviewStore(review / "review.sqlite") as store:
        versions = store.versions("p0")
        assert [(v.version, v.origin) for v in versions] == [
            (1, "model"),
            (2, "human"),
            (3, "model"),
        ]
        assert versions[-1].record["score"].value == 0.1  # the model's answer is kept...
        rec = current_records(store)[("p0", None)]
        assert rec.record["score"].value == 0.93  # ...but the correction shows
        assert rec.model == "model-2" and set(rec.corrected) == {"score"}
        assert store.corrections("p0")[0].why == "Table 2 says 0.93"


def test_diff_between_runs_lists_field_changes(review: Path) -> None:
    fake = FakeExtractor()
    _reviewed(review, fake)
    fake.score = 0.7
    run_update(review, pipeline=fake_pipeline(fake, model="model-2"), console=QUIET, progress=False)
    with ReviewStore(review / "review.sqlite") as store:
        run1, run2 = store.runs()
        before = current_records(store, as_of=run_cutoff(store, run1))
        after = current_records(store, as_of=run_cutoff(store, run2))
        changes = diff_states(before, after)
    assert [(c.paper_id, c.field) for c in changes] == [("p0", "score")]
    assert changes[0].before == {"value": 0.5, "status": "reported"}
    assert changes[0].after == {"value": 0.7, "status": "reported"}


def test_unknown_paper_is_refused(review: Path) -> None:
    with ReviewStore(review / "review.sqlite") as store, pytest.raises(CorrectionError):
        apply_corrections(store, MINI_FORM, [Correction("ghost", "year", 1, "reported", "x")])


def _write_disagreements(path: Path, rows: list[dict[str, str]]) -> None:
    from eval.report import CSV_COLUMNS  # the audit's own column list

    columns = list(CSV_COLUMNS)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})


def test_import_adjudications(review: Path, tmp_path: Path) -> None:
    _reviewed(review, FakeExtractor())
    sheet = tmp_path / "disagreements.csv"
    _write_disagreements(
        sheet,
        [
            {"paper_id": "p0", "field": "year", "gold": "2019", "predicted": "2021",
             "adjudication": "gold"},
            {"paper_id": "p0", "field": "score", "gold": "0.4", "predicted": "0.5",
             "adjudication": ""},
            {"paper_id": "p0", "field": "modalities", "gold": "ct", "predicted": "ct; mri",
             "adjudication": "ct; xray"},
            {"paper_id": "p0", "field": "public", "adjudication": "perhaps"},
        ],
    )  # fmt: skip
    with ReviewStore(review / "review.sqlite") as store:
        report = read_adjudications(sheet, MINI_FORM, by="ana", records=current_records(store))
    assert report.skipped_empty == 1
    assert [(c.field, c.value) for c in report.applied] == [
        ("year", 2019),
        ("modalities", ["ct", "xray"]),
    ]
    assert len(report.errors) == 1 and ":5: public: 'perhaps' is not a boolean" in report.errors[0]
    with ReviewStore(review / "review.sqlite") as store:
        versions = apply_corrections(store, MINI_FORM, report.applied)
        assert len(versions) == 1  # one human version per record, however many fields
        rec = current_records(store)[("p0", None)]
    assert rec.record["year"].value == 2019
    assert rec.record["modalities"].value == ["ct", "xray"]
    assert rec.record["score"].value == 0.5


def test_import_needs_the_adjudication_column(tmp_path: Path) -> None:
    sheet = tmp_path / "d.csv"
    sheet.write_text("paper_id,field\np0,year\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_adjudications(sheet, MINI_FORM, by="ana")


def test_import_edits_items_of_a_list_of_objects(review: Path, tmp_path: Path) -> None:
    fake = FakeExtractor()
    _reviewed(review, fake)  # arms = [{"name": "A", "size": 10}]
    sheet = tmp_path / "disagreements.csv"
    _write_disagreements(
        sheet,
        [
            {"paper_id": "p0", "field": "arms.size", "item": "gold #1 ~ predicted #1 (key "
             "similarity 1.00)", "gold_item": "1", "pred_item": "1", "gold": "12",
             "predicted": "10", "adjudication": "gold"},
            {"paper_id": "p0", "field": "arms", "item": "gold #2, no predicted match",
             "gold_item": "2", "gold": "name=Placebo, size=11", "adjudication": "gold"},
            {"paper_id": "p0", "field": "score", "gold": "'-0.2", "predicted": "0.5",
             "adjudication": "gold"},
            {"paper_id": "p0", "field": "year", "adjudication": "predicted"},
        ],
    )  # fmt: skip
    with ReviewStore(review / "review.sqlite") as store:
        report = read_adjudications(sheet, MINI_FORM, by="bo", records=current_records(store))
        assert report.errors == [] and report.kept == 1
        apply_corrections(store, MINI_FORM, report.applied)
        rec = current_records(store)[("p0", None)]
    assert rec.record["arms"].value == [
        {"name": "A", "size": 12},
        {"name": "Placebo", "size": 11},
    ]
    assert rec.record["score"].value == -0.2  # the audit's formula guard is undone
    assert rec.record["year"].value == 2021 and "year" not in rec.corrected


def test_import_removes_a_fabricated_item(review: Path, tmp_path: Path) -> None:
    _reviewed(review, FakeExtractor())
    sheet = tmp_path / "disagreements.csv"
    _write_disagreements(
        sheet,
        [{"paper_id": "p0", "field": "arms", "item": "predicted #1, no gold match",
          "pred_item": "1", "predicted": "name=A, size=10", "adjudication": "remove"}],
    )  # fmt: skip
    with ReviewStore(review / "review.sqlite") as store:
        report = read_adjudications(sheet, MINI_FORM, by="bo", records=current_records(store))
        apply_corrections(store, MINI_FORM, report.applied)
        rec = current_records(store)[("p0", None)]
    assert rec.record["arms"].model_dump(
        mode="json", include={"value", "status", "evidence", "triage", "reasons"}
    ) == {
        "value": [],
        "status": "not_reported",
        "evidence": [],
        "triage": "verified",  # a reviewer set it: nothing left to check
        "reasons": ["human_corrected"],
    }


def test_item_rows_are_read_from_the_typed_item_columns_not_the_label(
    review: Path, tmp_path: Path
) -> None:
    # The label is for people and may say anything: pred_item addresses the item.
    _reviewed(review, FakeExtractor())  # arms = [{"name": "A", "size": 10}]
    sheet = tmp_path / "disagreements.csv"
    _write_disagreements(
        sheet,
        [{"paper_id": "p0", "field": "arms.size", "item": "the first arm", "pred_item": "1",
          "adjudication": "13"}],
    )  # fmt: skip
    with ReviewStore(review / "review.sqlite") as store:
        report = read_adjudications(sheet, MINI_FORM, by="bo", records=current_records(store))
        assert report.errors == []
        apply_corrections(store, MINI_FORM, report.applied)
        rec = current_records(store)[("p0", None)]
    assert rec.record["arms"].value == [{"name": "A", "size": 13}]


def test_an_old_sheet_without_item_numbers_is_refused_clearly(tmp_path: Path) -> None:
    sheet = tmp_path / "disagreements.csv"
    sheet.write_text(
        'paper_id,field,item,adjudication\np0,arms,"predicted #1, no gold match",remove\n',
        encoding="utf-8",
    )
    report = read_adjudications(sheet, MINI_FORM, by="bo")
    assert len(report.errors) == 1 and "re-run the audit" in report.errors[0]


def test_disagreement_rows_round_trip_with_typed_item_numbers(tmp_path: Path) -> None:
    from extractor.review.disagreements import (
        DisagreementRow,
        disagreements_csv,
        read_disagreements,
    )

    row = DisagreementRow(
        paper_id="p0",
        field="arms.size",
        target_id="7",
        item="gold #2 ~ predicted #3 (key similarity 0.91)",
        gold_item=2,
        pred_item=3,
        cls="incorrect",
        gold="-0.2",
        predicted="=cmd|' /C calc'!A0",
        adjudication="gold",
    )
    sheet = tmp_path / "d.csv"
    sheet.write_text(disagreements_csv([row]), encoding="utf-8-sig")
    assert "'=cmd" in sheet.read_text(encoding="utf-8-sig")  # guarded in the file
    ((line, back),) = list(read_disagreements(sheet))
    assert (line, back) == (2, row)  # and unguarded, typed, when read back
