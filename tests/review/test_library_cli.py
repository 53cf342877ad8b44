"""Issue 19 item 11 through `litextract add`: a broken .bib entry is one line of ours, and a
RIS `file://files/x.pdf` link is the relative path files/x.pdf."""

from __future__ import annotations

from pathlib import Path

from review_testdata import write_pdf
from typer.testing import CliRunner

import extractor.cli.review_cmd  # noqa: F401  (registers the review commands)
from extractor.cli import app
from extractor.review.store import ReviewStore


def _add(review: Path, *inputs: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["add", str(review), *map(str, inputs)])
    return result.exit_code, [" ".join(x.split()) for x in result.output.split("error: ")]


def test_a_broken_bib_entry_is_one_line_naming_the_file_and_entry(
    review: Path, tmp_path: Path
) -> None:
    lib = tmp_path / "lib"
    write_pdf(lib / "files" / "a.pdf", "A good paper about trials")
    bib = lib / "library.bib"
    bib.write_text(
        "@article{good2020,\n  title = {A good paper},\n  file = {files/a.pdf},\n}\n"
        "@article{broken2021,\n  title = {Broken {paper,\n  file = {files/x.pdf}\n}\n",
        encoding="utf-8",
    )
    _, parts = _add(review, bib)  # its exit code is issue 19 item 12, not this test
    text = " ".join(parts)
    assert "Parsing of" not in text and "syntactical error" not in text  # not bibtexparser's
    errors = [p for p in parts[1:] if p]
    assert len(errors) == 1, parts
    assert errors[0].startswith(f"{bib}: entry 'broken2021' (line 5) is not valid BibTeX")
    assert "skipped" in errors[0]
    with ReviewStore(review / "review.sqlite") as store:
        assert [p.paper_id for p in store.papers()] == ["a"]  # the good entry went on


def test_ris_file_url_with_a_relative_path(review: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    x = write_pdf(lib / "files" / "x.pdf", "A paper linked from RIS")
    ris = lib / "export.ris"
    ris.write_text("TY  - JOUR\nTI  - RIS paper\nL1  - file://files/x.pdf\nER  - \n")
    code, parts = _add(review, ris)
    assert code == 0, parts
    assert len(parts) == 1, parts  # no error line
    with ReviewStore(review / "review.sqlite") as store:
        paper = store.paper("x")
        assert paper is not None and paper.source == "ris:export.ris#RIS paper"
    assert (review / "papers" / "x.pdf").read_bytes() == x.read_bytes()
