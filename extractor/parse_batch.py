"""`parse --out`: PDFs -> one Document file per paper in a folder, under the folder lock.

The command prints; this module does the work and counts what it wrote, so the
summary's numbers are the files on disk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from extractor.document import Document
from extractor.fileio import atomic_write_text
from extractor.folder_lock import FolderLock
from extractor.paper_ids import assign_paper_ids
from extractor.pdf import iter_pdfs, parse_many
from extractor.pdf.markdown import to_markdown
from schemas.errors import InputError, LitextractError


@dataclass
class ParseSummary:
    inputs: int = 0
    written: int = 0
    pages: int = 0
    sections: int = 0
    failed: list[InputError] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # repeated file names given new ids
    warnings: list[str] = field(default_factory=list)  # "path: warning" per parsed paper


def parse_into(
    inputs: Sequence[Path],
    out: Path,
    *,
    markdown: bool = False,
    workers: int | None = None,  # None: all cores
    progress: bool = True,
    on_error: Callable[[InputError], None] | None = None,
) -> ParseSummary:
    """Parse every PDF in `inputs` into `out/<paper id>.json` (`.md` with `markdown`).

    Raises `LitextractError` when there is nothing to parse or `out` is held by
    another run; a bad PDF is counted in `failed` (and passed to `on_error` at once)
    and the batch goes on.
    """
    paths = iter_pdfs(list(inputs))
    if not paths:
        raise LitextractError("no PDF found in the given inputs")
    ids = assign_paper_ids(paths)
    summary = ParseSummary(inputs=len(paths), renamed=list(ids.renamed))
    suffix = ".md" if markdown else ".json"
    out.mkdir(parents=True, exist_ok=True)
    with FolderLock(out):
        _remove_torn_writes(out)
        for path, result in parse_many(paths, workers=workers, progress=progress):
            if isinstance(result, InputError):
                summary.failed.append(result)
                if on_error is not None:
                    on_error(result)
                continue
            document = result.with_paper_id(ids.of(path))
            text = to_markdown(document) if suffix == ".md" else _json(document)
            atomic_write_text(out / f"{document.paper_id}{suffix}", text)
            summary.written += 1
            summary.pages += document.source.pages
            summary.sections += len(document.sections)
            summary.warnings.extend(f"{path}: {warning}" for warning in document.warnings)
    return summary


def _remove_torn_writes(out: Path) -> None:
    # A run killed mid-write leaves its temporary file (extractor/fileio.py names them
    # `.NAME.*.tmp`); we hold the folder, so no other run is writing one.
    for tmp in out.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def _json(doc: Document) -> str:
    return doc.model_dump_json(indent=1)
