"""Adding papers: PDFs, .bib / .ris libraries with linked PDFs, duplicates, bad inputs."""

from __future__ import annotations

from pathlib import Path

from review_testdata import write_pdf

from extractor.review.identity import normalise_doi, normalise_title
from extractor.review.library import add_inputs, read_bib, read_ris, scan_papers
from extractor.review.store import ReviewStore

TITLE_A = "Deep Learning for Chest Radiographs: A Multicentre Study"
TITLE_B = "Self-Supervised Pretraining of Brain MRI Encoders"


def _store(review: Path) -> ReviewStore:
    return ReviewStore(review / "review.sqlite")


def test_add_copies_pdfs_and_refuses_bad_files(review: Path, tmp_path: Path) -> None:
    a = write_pdf(tmp_path / "in" / "smith2021.pdf", TITLE_A)
    not_pdf = tmp_path / "in" / "notes.pdf"
    not_pdf.write_text("just text")
    with _store(review) as store:
        report = add_inputs(store, review, [a, not_pdf, tmp_path / "gone.pdf"])
        assert report.added == ["smith2021"]
        assert (review / "papers" / "smith2021.pdf").read_bytes() == a.read_bytes()
        assert any("notes.pdf: not a PDF" in e for e in report.errors)
        assert any("gone.pdf: file not found" in e for e in report.errors)
        again = add_inputs(store, review, [a])
        assert again.already_present == ["smith2021"] and not again.added
        assert [p.paper_id for p in store.papers()] == ["smith2021"]


def test_identical_file_under_another_name_is_a_duplicate(review: Path, tmp_path: Path) -> None:
    a = write_pdf(tmp_path / "in" / "smith2021.pdf", TITLE_A)
    copy = tmp_path / "in" / "Smith et al 2021.pdf"
    copy.write_bytes(a.read_bytes())
    with _store(review) as store:
        report = add_inputs(store, review, [a, copy])
        assert report.duplicates == [("Smith et al 2021", "smith2021", "same file (sha256)")]
        dup = store.paper("Smith et al 2021")
        assert dup is not None and dup.status == "duplicate"


def test_same_name_different_content_keeps_both(review: Path, tmp_path: Path) -> None:
    a = write_pdf(tmp_path / "one" / "paper.pdf", TITLE_A)
    b = write_pdf(tmp_path / "two" / "paper.pdf", TITLE_B)
    with _store(review) as store:
        report = add_inputs(store, review, [a, b])
    assert report.added[0] == "paper"
    assert report.added[1].startswith("paper__") and len(report.added) == 2


def test_bib_file_fields_of_zotero_jabref_mendeley(review: Path, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    zotero = write_pdf(lib / "storage" / "AB12" / "Smith - 2021 - Deep.pdf", TITLE_A)
    jabref = write_pdf(lib / "pdfs" / "jones.pdf", TITLE_B)
    mendeley = write_pdf(lib / "m" / "lee.pdf", "Foundation models for pathology slides")
    bib = lib / "library.bib"
    bib.write_text(
        "@article{smith2021,\n title = {Deep Learning for {Chest} Radiographs: "
        "A Multicentre Study},\n doi = {https://doi.org/10.1000/ABC.123},\n"
        f" file = {{Full Text PDF:{zotero}:application/pdf;"
        f"Snapshot:{lib}/storage/AB12/snap.html:text/html}}\n}}\n"
        "@article{jones2020,\n title = {Brain},\n file = {:pdfs/jones.pdf:PDF}\n}\n"
        "@article{lee2022,\n title = {Pathology},\n"
        f" file = {{:{str(mendeley).replace(':', chr(92) + ':')}:pdf}}\n}}\n"
        "@article{nofile,\n title = {No attachment}\n}\n",
        encoding="utf-8",
    )
    entries = {e.key: e for e in read_bib(bib)}
    assert entries["smith2021"].pdfs == (zotero,)
    assert entries["jones2020"].pdfs == (jabref,)
    assert entries["lee2022"].pdfs == (mendeley,)
    assert entries["smith2021"].title == TITLE_A
    with _store(review) as store:
        report = add_inputs(store, review, [bib])
        assert sorted(report.added) == ["Smith - 2021 - Deep", "jones", "lee"]
        assert report.errors == [f"{bib}: entry 'nofile' links no PDF"]
        smith = store.paper("Smith - 2021 - Deep")
        assert smith is not None
        assert smith.doi == "10.1000/abc.123"
        assert smith.source == "bib:library.bib#smith2021"


def test_ris_attachments_and_doi_duplicates(review: Path, tmp_path: Path) -> None:
    a = write_pdf(tmp_path / "ris" / "a.pdf", TITLE_A)
    b = write_pdf(tmp_path / "ris" / "preprint.pdf", TITLE_A + " (preprint)")
    ris = tmp_path / "ris" / "export.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - First\nDO  - 10.1000/XYZ\nL1  - file://" + str(a) + "\nER  - \n\n"
        "TY  - JOUR\nTI  - Preprint\nDO  - 10.1000/xyz\nL1  - preprint.pdf\n"
        "UR  - https://example.org/paper\nER  - \n",
        encoding="utf-8",
    )
    entries = read_ris(ris)
    assert [e.pdfs for e in entries] == [(a,), (b,)]
    with _store(review) as store:
        report = add_inputs(store, review, [ris])
    assert report.added == ["a"]
    assert report.duplicates == [("preprint", "a", "same DOI")]


def test_scan_finds_dropped_changed_and_removed_files(review: Path) -> None:
    papers = review / "papers"
    write_pdf(papers / "one.pdf", TITLE_A)
    write_pdf(papers / "two.pdf", TITLE_B)
    with _store(review) as store:
        first = scan_papers(store, review)
        assert sorted(first.new) == ["one", "two"]
        assert scan_papers(store, review).new == []
        write_pdf(papers / "one.pdf", TITLE_A, "revised version")
        (papers / "two.pdf").unlink()
        second = scan_papers(store, review)
        assert second.changed == ["one"] and second.missing == ["two"]
        two = store.paper("two")
        assert two is not None and two.status == "missing"


def test_normalisers() -> None:
    assert normalise_doi("https://doi.org/10.1038/S41586-021-03819-2.") == (
        "10.1038/s41586-021-03819-2"
    )
    assert normalise_doi("no doi here") is None
    assert normalise_title("Déjà  Vu: A Study of  CT-Scans!") == "deja vu a study of ct scans"
    assert normalise_title("Editorial") is None  # too short to identify a paper


def test_file_urls_absolute_localhost_and_relative(tmp_path: Path) -> None:
    ris = tmp_path / "links.ris"
    ris.write_text(
        "TY  - JOUR\nTI  - One\nL1  - file:///abs/one.pdf\nER  - \n\n"
        "TY  - JOUR\nTI  - Two\nL1  - file://localhost/abs/two%20b.pdf\nER  - \n\n"
        "TY  - JOUR\nTI  - Three\nL1  - file://files/sub/three.pdf\nER  - \n",
        encoding="utf-8",
    )
    assert [e.pdfs for e in read_ris(ris)] == [
        (Path("/abs/one.pdf"),),
        (Path("/abs/two b.pdf"),),
        (tmp_path / "files" / "sub" / "three.pdf",),
    ]
