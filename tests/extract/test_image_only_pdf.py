"""Issue 19 item 5: an image-only PDF in `extract` is one clear line, and the batch goes on."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pymupdf
import pytest
from doubles.openai_server import Reply
from extract_helpers import TRIAL_PAGES, make_document, make_pdf, rct_answer
from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.retrieve import Retriever

_register()


def _image_only_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 120, 120), False)
    pix.clear_with(180)
    page.insert_image(pymupdf.Rect(72, 72, 272, 272), pixmap=pix)
    doc.save(path)
    doc.close()
    return path


@pytest.fixture(autouse=True)
def _no_ambient_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def test_image_only_pdf_is_one_clear_line_and_the_batch_goes_on(tmp_path: Path, server) -> None:
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    make_pdf(pdfs / "PMC1.pdf", TRIAL_PAGES)
    _image_only_pdf(pdfs / "SCAN.pdf")
    targets = tmp_path / "targets.jsonl"
    targets.write_text(
        "\n".join(
            json.dumps(
                {
                    "paper_id": pid,
                    "target_id": "1",
                    "intervention": "aspirin",
                    "comparator": "placebo",
                    "outcome": "death",
                }
            )
            for pid in ("PMC1", "SCAN")
        )
    )
    server.responder = lambda body: Reply.ok(rct_answer())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "extract",
            str(pdfs),
            "--form",
            "rct_outcomes",
            "--targets",
            str(targets),
            "--out",
            str(out),
            "--base-url",
            server.base_url,
            "--model",
            "fake-model",
            "--concurrency",
            "1",
            "--no-progress",
        ],
    )
    assert result.exit_code == 1, result.output  # one paper failed, the other was written
    records = [json.loads(x) for x in (out / "records.jsonl").read_text().splitlines()]
    assert [r["paper_id"] for r in records] == ["PMC1"]
    errors = [json.loads(x) for x in (out / "errors.jsonl").read_text().splitlines()]
    assert [e["paper_id"] for e in errors] == ["SCAN"]
    assert "SCAN.pdf" in errors[0]["error"] and "no text layer" in errors[0]["error"]
    assert errors[0]["kind"] != "internal"
    assert "max() arg" not in result.output and "Warning" not in result.output
    failed = [line for line in result.output.splitlines() if "SCAN" in line]
    assert len(failed) == 1 and "no text layer" in failed[0], result.output
    # No model call is spent on a paper with no text: only PMC1 was asked.
    assert all("Death occurred" in json.dumps(r) for r in server.requests)


def test_a_paper_without_indexable_words_gets_an_empty_index_and_no_warning() -> None:
    document = make_document(["Of the 1 and 2 in a 3."])  # stopwords and digits: no BM25 word
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the old RuntimeWarning would fail here
        retriever = Retriever(document)
        assert retriever.search("death aspirin") == []
