"""`litextract parse` through typer's CliRunner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.document import Document

_register()
runner = CliRunner()


def test_parse_writes_one_json_per_pdf_and_reports_bad_files(examples, tmp_path):
    bad = tmp_path / "in" / "broken.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"definitely not a pdf")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["parse", str(examples.rct_pdfs[0]), str(bad.parent), "--out", str(out)]
    )
    assert result.exit_code == 1, result.output  # done, but one input failed (as extract)
    assert f"{bad}: not a PDF" in result.output
    assert "parsed 1 of 2 PDF(s)" in result.output
    doc = Document.model_validate(json.loads((out / "homeex_rct_2022.json").read_text()))
    assert doc.sections[0].heading == "Abstract"
    assert not (out / "broken.json").exists()


def test_rerun_overwrites_without_duplicates(examples, tmp_path):
    out = tmp_path / "out"
    for _ in range(2):
        result = runner.invoke(app, ["parse", str(examples.rct_pdfs[0]), "--out", str(out)])
        assert result.exit_code == 0, result.output
    # Hidden: the folder's lock file (extractor/folder_lock.py), kept between runs.
    assert sorted(p.name for p in out.iterdir() if p.name[0] != ".") == ["homeex_rct_2022.json"]


def test_exit_code_says_whether_nothing_or_only_some_failed(tmp_path):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2  # nothing could be done, as for every command
    assert "empty file" in result.output and "no PDF could be parsed" in result.output


def test_markdown_format(examples, tmp_path):
    out = tmp_path / "md"
    result = runner.invoke(
        app,
        ["parse", str(examples.rct_pdfs[0]), "--out", str(out), "--format", "md", "--workers", "1"],
    )
    assert result.exit_code == 0, result.output
    text = (out / "homeex_rct_2022.md").read_text()
    assert text.startswith("# A Home-Based Exercise Programme")
    assert "## 3 Results" in text
    assert "| FACIT-F score, mean (SD) | 38.4 (7.9) | 33.1 (8.6) |" in text


def test_help_teaches_with_examples():
    result = runner.invoke(app, ["parse", "--help"])
    assert result.exit_code == 0
    assert "litextract parse paper.pdf --out parsed/" in result.output
