"""Issue 19 item 14: exports keep values that start with = + - @.

XLSX stores text as text (never a formula); CSV keeps the formula guard (a leading
apostrophe, documented), and litextract's CSV readers take it off again."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from review_testdata import mini_yaml_review
from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.spreadsheet import unguard_formula

_register()

TITLES = ['=HYPERLINK("http://evil","x")', "+ve results in CT", "-log p of 3", "@risk model"]


def _review(review: Path) -> Path:
    return mini_yaml_review(review, TITLES)


def _export(review: Path, fmt: str) -> Path:
    out = review / f"out.{fmt}"
    result = CliRunner().invoke(app, ["export", str(review), "-f", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_xlsx_stores_text_as_it_is_never_a_formula(review: Path) -> None:
    out = _export(_review(review), "xlsx")
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    column = header.index("title") + 1
    cells = [sheet.cell(row, column) for row in range(2, 2 + len(TITLES))]
    assert [c.value for c in cells] == TITLES  # no apostrophe
    assert {c.data_type for c in cells} == {"s"}
    assert "<f>" not in zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()


def test_csv_is_guarded_and_readers_take_the_guard_off(review: Path) -> None:
    out = _export(_review(review), "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["title"] for r in rows] == ["'" + t for t in TITLES]  # the documented guard
    assert [unguard_formula(r["title"]) for r in rows] == TITLES
    assert rows[0]["score"] == "0.5"  # numbers are never guarded


def test_import_corrections_and_audit_csv_undo_the_guard(review: Path, tmp_path: Path) -> None:
    review = _review(review)
    sheet = tmp_path / "disagreements.csv"
    sheet.write_text(
        "paper_id,field,adjudication\r\np1,title,'-log p of 4\r\np3,title,'@risk score\r\n",
        encoding="utf-8-sig",
    )
    result = CliRunner().invoke(app, ["import-corrections", str(review), str(sheet), "--by", "a"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in _export(review, "jsonl").read_text().splitlines()]
    titles = {x["paper_id"]: x["record"]["title"]["value"] for x in lines}
    assert titles["p1"] == "-log p of 4" and titles["p3"] == "@risk score"

    # A guarded gold CSV (as litextract writes CSVs) compares with the plain values.
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "paper_id,title\r\n"
        + "".join(f'p{i},"\'{t.replace(chr(34), 2 * chr(34))}"\r\n' for i, t in enumerate(TITLES)),
        encoding="utf-8-sig",
    )
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        "".join(
            json.dumps({"paper_id": f"p{i}", "record": {"title": t}}) + "\n"
            for i, t in enumerate(TITLES)
        )
    )
    audit = CliRunner().invoke(
        app,
        [
            "audit",
            "--gold",
            str(gold),
            "--pred",
            str(pred),
            "--form",
            str(review / "mini.yaml"),
            "--fields",
            "title",
            "--out",
            str(tmp_path / "audit"),
        ],
    )
    assert audit.exit_code == 0, audit.output
    metrics = json.loads((tmp_path / "audit" / "metrics.json").read_text())
    assert metrics["overall"]["counts"]["correct"] == len(TITLES), metrics["overall"]
