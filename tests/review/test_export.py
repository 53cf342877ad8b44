"""Exports: one row per paper, readable lists, evidence and triage columns, safe CSV, typed
xlsx/parquet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from review_testdata import MINI_FORM, FakeExtractor, fake_pipeline, write_pdf
from rich.console import Console

from extractor.review.corrections import Correction, apply_corrections
from extractor.review.export import columns, export_review, flat_row
from extractor.review.records import CurrentRecord
from extractor.review.store import ReviewStore, stored_record
from extractor.review.update import run_update
from extractor.spreadsheet import guard_formula
from schemas.extracted import Triage

QUIET = Console(quiet=True)
SAME_TITLE = "Self-Supervised Pretraining of Brain MRI Encoders"
NASTY_TITLE = '=HYPERLINK("http://evil") Müller, "quoted"; CT-based study'


@pytest.fixture
def filled(review: Path) -> Path:
    write_pdf(review / "papers" / "p0.pdf", NASTY_TITLE)
    write_pdf(review / "papers" / "p1.pdf", "Self-Supervised Pretraining of Brain MRI Encoders")
    write_pdf(
        review / "papers" / "p2-copy.pdf", "Self-Supervised Pretraining of Brain MRI Encoders"
    )
    return _extract_and_correct(review, FakeExtractor())


def _extract_and_correct(review: Path, extractor: FakeExtractor) -> Path:
    """Extract every paper, then a reviewer corrects p1's year."""
    run_update(review, pipeline=fake_pipeline(extractor), console=QUIET, progress=False)
    with ReviewStore(review / "review.sqlite") as store:
        apply_corrections(
            store, MINI_FORM, [Correction("p1", "year", 2019, "reported", "ana", "checked")]
        )
    return review


def _export(review: Path, fmt: str) -> Path:
    out = review / "exports" / f"records.{fmt}"
    with ReviewStore(review / "review.sqlite") as store:
        assert export_review(store, MINI_FORM, fmt, out) == 2  # the duplicate is left out
    return out


def test_csv_opens_cleanly_in_spreadsheets(filled: Path) -> None:
    out = _export(filled, "csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["paper_id"] for r in rows] == ["p0", "p1"]
    p0, p1 = rows
    assert p0["title"] == "'" + NASTY_TITLE  # formula guard; quotes/semicolons survive
    assert p0["title__quote"].startswith("'=HYPERLINK")
    assert p0["title__page"] == "1" and p0["title__status"] == "reported"
    assert p0["modalities"] == "ct; mri"
    assert json.loads(p0["arms"]) == [{"name": "A", "size": 10}]
    assert p0["public"] == "true" and p0["score"] == "0.5"
    assert (p0["model"], p0["version"], p0["corrected"]) == ("fake-model", "1", "")
    assert (p1["year"], p1["version"], p1["corrected"], p1["corrected_by"]) == (
        "2019",
        "2",
        "year",
        "ana",
    )


def test_formula_guard_keeps_numbers() -> None:
    assert guard_formula("-1.5") == "-1.5"
    assert guard_formula("+3e-2") == "+3e-2"
    assert guard_formula("-x") == "'-x"
    assert guard_formula("@SUM(A1)") == "'@SUM(A1)"
    assert guard_formula(-2) == -2


def test_xlsx_is_typed_and_keeps_text_as_it_is(filled: Path) -> None:
    sheet = load_workbook(_export(filled, "xlsx")).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    assert rows[0]["title"] == NASTY_TITLE  # text as it is, typed as text: never a formula
    assert sheet.cell(2, header.index("title") + 1).data_type == "s"
    assert rows[1]["year"] == 2019 and rows[0]["score"] == 0.5 and rows[0]["public"] is True


def test_parquet_and_jsonl(filled: Path) -> None:
    table = pq.read_table(_export(filled, "parquet"))
    assert table.schema.field("year").type == "int64"
    assert table.schema.field("score").type == "double"
    assert table.column("title").to_pylist()[0] == NASTY_TITLE  # no guard in data formats
    lines = _export(filled, "jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[1]["record"]["year"]["value"] == 2019
    assert records[1]["corrected"]["year"]["by"] == "ana"
    assert records[0]["record"]["title"]["evidence"][0]["page"] == 1


def test_export_replaces_atomically(filled: Path) -> None:
    out = _export(filled, "csv")
    first = out.read_bytes()
    _export(filled, "csv")
    assert out.read_bytes() == first
    assert sorted(p.name for p in out.parent.iterdir()) == ["records.csv"]  # no temp files left


class TriagedExtractor(FakeExtractor):
    """The fake extractor with the triage the checks would leave on its values."""

    def make_record(self, document, target=None):  # type: ignore[no-untyped-def]
        line = super().make_record(document, target)
        line.record["title"].triage = Triage.verified
        line.record["year"].reasons = ["value_not_in_quote", "rule_failed"]
        line.record["score"].triage = Triage.missing
        line.record["score"].reasons = ["not_reported"]
        return line  # the other fields keep the default: check, no reasons


@pytest.fixture
def triaged(review: Path) -> Path:
    write_pdf(review / "papers" / "p0.pdf", NASTY_TITLE)
    write_pdf(review / "papers" / "p1.pdf", SAME_TITLE)
    return _extract_and_correct(review, TriagedExtractor())


TRIAGE_COLUMNS = {
    "title__triage": "verified",
    "year__triage": "check",
    "year__reasons": "value_not_in_quote; rule_failed",
    "score__triage": "missing",
    "score__reasons": "not_reported",
    "public__triage": "check",
    "public__reasons": None,
}


def _expected(paper: str) -> dict:
    if paper == "p0":
        return TRIAGE_COLUMNS
    # p1's year was corrected by a reviewer: no more checking needed
    return TRIAGE_COLUMNS | {"year__triage": "verified", "year__reasons": "human_corrected"}


def test_every_field_has_triage_and_reasons_columns_beside_its_status(triaged: Path) -> None:
    out = _export(triaged, "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    header = list(rows[0])
    for spec in MINI_FORM.fields:
        at = header.index(f"{spec.name}__status")
        assert header[at + 1 : at + 3] == [f"{spec.name}__triage", f"{spec.name}__reasons"]
    for row in rows:
        got = {name: row[name] or None for name in TRIAGE_COLUMNS}
        assert got == _expected(row["paper_id"])


def test_triage_columns_in_xlsx_parquet_and_jsonl(triaged: Path) -> None:
    sheet = load_workbook(_export(triaged, "xlsx")).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(2):
        cells = dict(zip(header, [c.value for c in row], strict=True))
        assert {name: cells[name] for name in TRIAGE_COLUMNS} == _expected(cells["paper_id"])

    table = pq.read_table(_export(triaged, "parquet"))
    assert table.schema.field("year__triage").type == "string"
    for row in table.to_pylist():
        assert {name: row[name] for name in TRIAGE_COLUMNS} == _expected(row["paper_id"])

    lines = _export(triaged, "jsonl").read_text(encoding="utf-8").splitlines()
    p0, p1 = (json.loads(line)["record"] for line in lines)
    assert (p0["year"]["triage"], p0["year"]["reasons"]) == (
        "check",
        ["value_not_in_quote", "rule_failed"],
    )
    assert (p1["year"]["triage"], p1["year"]["reasons"]) == ("verified", ["human_corrected"])


def test_records_from_before_the_checks_are_left_to_check() -> None:
    # A stored record written before values carried a triage loads with `check`: never
    # `verified` without the checks, so a reviewer looks at it.
    cells = stored_record({"year": {"value": 2020, "status": "reported"}})
    old = CurrentRecord("p9", None, None, cells, 1, None)
    row = flat_row(MINI_FORM, old)
    assert row["year"] == 2020 and row["year__triage"] == "check" and row["year__reasons"] is None
    assert ("year__triage", "string") in columns(MINI_FORM, [old])
