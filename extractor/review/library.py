"""Getting papers into a review: PDFs, or `.bib` / `.ris` libraries with linked PDFs.

Every PDF is copied into `REVIEW_DIR/papers/` (the folder is the review's source of
truth; users may also drop files there) and registered in the store with its
sha256. Reference-manager metadata (DOI, title) is kept, so duplicates are caught
even before the PDFs are parsed.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import bibtexparser
import rispy
from bibtexparser.model import Block

from extractor.fileio import atomic_path
from extractor.review.config import ReviewPaths
from extractor.review.identity import (
    find_duplicate,
    normalise_doi,
    normalise_title,
)
from extractor.review.store import PaperRow, ReviewStore
from schemas.errors import InputError
from schemas.hashing import sha256_file


@dataclass(frozen=True)
class LibraryEntry:
    """One reference of a `.bib`/`.ris` library: its linked PDFs and identifiers."""

    key: str
    pdfs: tuple[Path, ...]
    doi: str | None = None
    title: str | None = None
    problem: str | None = None  # an entry that could not be read: why (it links nothing)


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # (id, of, reason)
    errors: list[str] = field(default_factory=list)


@dataclass
class ScanReport:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def add_inputs(store: ReviewStore, root: Path, inputs: Iterable[Path]) -> AddReport:
    """Add PDFs and the PDFs linked from `.bib`/`.ris` libraries; bad inputs are reported."""
    report = AddReport()
    for path in inputs:
        suffix = path.suffix.lower()
        try:
            if suffix == ".bib":
                entries = read_bib(path)
            elif suffix == ".ris":
                entries = read_ris(path)
            elif suffix == ".pdf":
                add_pdf(store, root, path, source="cli", report=report)
                continue
            else:
                raise InputError(path, "not a PDF, .bib or .ris file")
        except InputError as exc:
            report.errors.append(str(exc))
            continue
        for entry in entries:
            if entry.problem:
                report.errors.append(f"{path}: entry {entry.key!r} {entry.problem}")
                continue
            if not entry.pdfs:
                report.errors.append(f"{path}: entry {entry.key!r} links no PDF")
            for pdf in entry.pdfs:
                try:
                    add_pdf(
                        store,
                        root,
                        pdf,
                        source=f"{suffix[1:]}:{path.name}#{entry.key}",
                        doi=entry.doi,
                        title=entry.title,
                        report=report,
                    )
                except InputError as exc:
                    report.errors.append(f"{exc} (linked from {path.name}, entry {entry.key})")
    return report


def add_pdf(
    store: ReviewStore,
    root: Path,
    pdf: Path,
    *,
    source: str,
    report: AddReport,
    doi: str | None = None,
    title: str | None = None,
) -> None:
    """Copy one PDF into `papers/` (atomically) and register it."""
    _check_pdf(pdf)
    papers_dir = ReviewPaths(root).papers
    sha = sha256_file(pdf)
    dest = papers_dir / pdf.name
    if dest.exists() and sha256_file(dest) != sha:
        # Another paper already uses this file name: keep both, the new one suffixed.
        dest = papers_dir / f"{pdf.stem}__{sha[:8]}{pdf.suffix}"
    if store.paper(dest.stem) is not None:
        if not dest.exists():
            _atomic_copy(pdf, dest)  # a removed file comes back; `update` reconciles it
        report.already_present.append(dest.stem)
        return
    if not dest.exists():
        _atomic_copy(pdf, dest)
    paper = register(store, root, dest, source=source, doi=doi, title=title)
    if paper.status == "duplicate":
        assert paper.duplicate_of and paper.duplicate_reason
        report.duplicates.append((paper.paper_id, paper.duplicate_of, paper.duplicate_reason))
    else:
        report.added.append(paper.paper_id)


def register(
    store: ReviewStore,
    root: Path,
    pdf: Path,
    *,
    source: str,
    doi: str | None = None,
    title: str | None = None,
    sha: str | None = None,
) -> PaperRow:
    """Insert a PDF that is already in `papers/`; flag it at once if it repeats a paper."""
    paper = store.add_paper(
        pdf.stem,
        sha256=sha or sha256_file(pdf),
        path=pdf.relative_to(root).as_posix(),
        source=source,
        doi=normalise_doi(doi),
        title=title,
        title_norm=normalise_title(title),
    )
    mark_if_duplicate(store, paper)
    return store.paper(paper.paper_id) or paper


def mark_if_duplicate(store: ReviewStore, paper: PaperRow) -> bool:
    earlier = [
        p
        for p in store.papers("new", "parsed", "error")
        if p.seq < paper.seq and p.paper_id != paper.paper_id
    ]
    found = find_duplicate(paper, earlier)
    if found is None:
        return False
    original, reason = found
    store.update_paper(
        paper.paper_id, status="duplicate", duplicate_of=original, duplicate_reason=reason
    )
    return True


def scan_papers(store: ReviewStore, root: Path) -> ScanReport:
    """Reconcile `papers/` with the store: new files, changed files, files gone."""
    report = ScanReport()
    papers_dir = ReviewPaths(root).papers
    on_disk = sorted(p for p in papers_dir.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
    known = {p.paper_id: p for p in store.papers()}
    seen: set[str] = set()
    for pdf in on_disk:
        paper_id = pdf.stem
        rel = pdf.relative_to(root).as_posix()
        row = known.get(paper_id)
        if row is not None and row.path != rel:
            report.errors.append(
                f"{pdf}: paper id {paper_id!r} is already used by {row.path}; rename the file"
            )
            continue
        seen.add(paper_id)
        try:
            sha = sha256_file(pdf)
        except OSError as exc:
            report.errors.append(f"{pdf}: cannot read ({exc.strerror})")
            continue
        if row is None:
            register(store, root, pdf, source="folder", sha=sha)
            report.new.append(paper_id)
        elif row.sha256 != sha:
            # A new file under an old name: a new paper version, identified afresh.
            store.update_paper(
                paper_id,
                sha256=sha,
                status="new",
                duplicate_of=None,
                duplicate_reason=None,
                error=None,
                doi=None,
                title=None,
                title_norm=None,
            )
            refreshed = store.paper(paper_id)
            assert refreshed is not None
            mark_if_duplicate(store, refreshed)
            report.changed.append(paper_id)
        elif row.status == "missing":
            status = "parsed" if store.has_document(sha) else "new"
            store.update_paper(paper_id, status=status)
    for paper_id, row in known.items():
        if paper_id not in seen and row.status != "missing":
            store.update_paper(paper_id, status="missing")
            report.missing.append(paper_id)
    _promote_orphaned_duplicates(store)
    return report


def _promote_orphaned_duplicates(store: ReviewStore) -> None:
    """A duplicate whose original was removed becomes the paper (or a copy of another)."""
    active = {p.paper_id for p in store.papers("new", "parsed", "error")}
    for paper in store.papers("duplicate"):
        if paper.duplicate_of in active:
            continue
        status = "parsed" if store.has_document(paper.sha256) else "new"
        store.update_paper(paper.paper_id, status=status, duplicate_of=None, duplicate_reason=None)
        refreshed = store.paper(paper.paper_id)
        assert refreshed is not None
        if mark_if_duplicate(store, refreshed):
            continue
        active.add(paper.paper_id)


# -- reference-manager libraries ---------------------------------------------------------


def read_bib(path: Path) -> list[LibraryEntry]:
    """BibTeX with `file` fields as Zotero, JabRef, Mendeley and Better BibTeX write them."""
    text = _read_text(path)
    library, complaints = _parse_bib(text)
    if not library.entries and library.failed_blocks:
        raise InputError(path, "no readable BibTeX entries")
    entries = [_failed_entry(block, complaints) for block in library.failed_blocks]
    for entry in library.entries:
        values = {f.key.lower(): str(f.value) for f in entry.fields}
        pdfs = tuple(_bib_file_paths(values.get("file", ""), path.parent))
        title = _strip_braces(values["title"]) if "title" in values else None
        entries.append(LibraryEntry(key=entry.key, pdfs=pdfs, doi=values.get("doi"), title=title))
    return entries


class _Complaints(logging.Handler):
    """bibtexparser reports a broken block by logging a warning (to stderr, in its own
    words); we keep those messages and report each broken entry in ours."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _parse_bib(text: str) -> tuple[bibtexparser.Library, list[str]]:
    logger = logging.getLogger("bibtexparser")
    handler, propagate = _Complaints(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        return bibtexparser.parse_string(text), handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


_BIB_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")
_BIB_COMPLAINT = re.compile(r"\(line (\d+)\) aborted on line (\d+).*?:\s*(.+)", re.DOTALL)


def _failed_entry(block: Block, complaints: list[str]) -> LibraryEntry:
    """A broken entry, named by its key (or line) with the parser's reason in one line."""
    start = (block.start_line or 0) + 1  # bibtexparser counts lines from 0
    key = m.group(1) if (m := _BIB_KEY.match(block.raw.lstrip())) else f"at line {start}"
    reason = "is not valid BibTeX"
    for message in complaints:
        found = _BIB_COMPLAINT.search(message)
        if found and int(found.group(1)) == block.start_line:
            detail = " ".join(found.group(3).split()).rstrip(".")
            reason += f" ({detail[:1].lower()}{detail[1:]} at line {int(found.group(2)) + 1})"
            break
    return LibraryEntry(key=key, pdfs=(), problem=f"(line {start}) {reason}; skipped")


def read_ris(path: Path) -> list[LibraryEntry]:
    """RIS with attachments in `L1` (Zotero, Mendeley, EndNote) or `file://` URLs."""
    text = _read_text(path)
    try:
        records = rispy.loads(text, list_tags=[*rispy.LIST_TYPE_TAGS, "L1"])
    except Exception as exc:  # rispy raises plain IOError/ValueError subclasses
        raise InputError(path, f"not a readable RIS file ({exc})") from exc
    entries = []
    for i, record in enumerate(records, start=1):
        links = [*record.get("file_attachments1", []), *record.get("urls", [])]
        pdfs = tuple(p for link in links if (p := _link_to_path(link, path.parent)) is not None)
        title = record.get("title") or record.get("primary_title")
        key = record.get("id") or title or f"record {i}"
        entries.append(LibraryEntry(key=str(key), pdfs=pdfs, doi=record.get("doi"), title=title))
    return entries


_UNESCAPED = {";": re.compile(r"(?<!\\);"), ":": re.compile(r"(?<!\\):")}


def _bib_file_paths(value: str, base: Path) -> list[Path]:
    # Zotero: "Full Text PDF:/a/b.pdf:application/pdf;Snapshot:/a/s.html:text/html"
    # JabRef/Mendeley: ":C\:/Users/x/b.pdf:PDF"; Better BibTeX: "/a/b.pdf"
    out = []
    for item in _UNESCAPED[";"].split(value):
        item = item.strip()
        if not item:
            continue
        parts = _UNESCAPED[":"].split(item)
        if len(parts) >= 3:
            raw, kind = ":".join(parts[1:-1]), parts[-1].lower()
        else:
            raw, kind = item, ""
        raw = raw.replace("\\:", ":").replace("\\\\", "\\").strip()
        if not raw.lower().endswith(".pdf") and "pdf" not in kind:
            continue
        candidate = _link_to_path(raw, base)
        if candidate is not None:
            out.append(candidate)
    return out


def _link_to_path(link: str, base: Path) -> Path | None:
    link = link.strip()
    if link.startswith("file:"):
        url = urlparse(link)
        # `file://files/x.pdf` is a relative path written as a URL (the first segment
        # lands in the host part); `file:///a/x.pdf` and `file://localhost/a/x.pdf` are
        # absolute.
        host = "" if url.netloc in ("", "localhost") else url.netloc
        link = unquote(f"{host}{url.path}" if host else url.path)
    elif "://" in link:
        return None  # web URLs and EndNote's internal-pdf:// cannot be resolved here
    if not link.lower().endswith(".pdf"):
        return None
    path = Path(link)
    return path if path.is_absolute() else base / path


def _strip_braces(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("{", "").replace("}", "")).strip()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except UnicodeDecodeError:
        return path.read_text(encoding="latin-1")


def _check_pdf(pdf: Path) -> None:
    if not pdf.is_file():
        raise InputError(pdf, "file not found")
    with pdf.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF" not in head:
        raise InputError(pdf, "not a PDF (no %PDF header)")


def _atomic_copy(src: Path, dest: Path) -> None:
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
