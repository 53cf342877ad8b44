"""`litextract parse`: PDFs -> one Document JSON (or Markdown) per paper."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractor.cli import app
from extractor.cli.exits import fail, some_failed
from extractor.document import Document
from extractor.errors import InputError
from extractor.fileio import atomic_write_text


class OutputFormat(StrEnum):
    json = "json"
    md = "md"


@app.command()
def parse(
    inputs: Annotated[
        list[Path], typer.Argument(help="PDF files and/or folders (searched for *.pdf).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="json: the Document; md: readable.")
    ] = OutputFormat.json,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Parallel processes [default: all cores]."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Parse PDFs into structured documents: reading-order text, sections, tables,
    figure captions, references, and a map from text offsets back to pages.

    Writes OUT/<file stem>.json per PDF (or .md with --format md). A bad file
    (encrypted, corrupt, empty, not a PDF) gets a one-line error and the batch goes on;
    the exit code is non-zero only if every input failed.

    Examples:

      litextract parse paper.pdf --out parsed/

      litextract parse pdfs/ more.pdf --out parsed/ --workers 2

      litextract parse pdfs/ --out parsed_md/ --format md
    """
    from extractor.pdf import iter_pdfs, parse_many
    from extractor.pdf.markdown import to_markdown

    # soft_wrap: one error stays one line, whatever the terminal width
    console = Console(stderr=True, soft_wrap=True)
    paths = iter_pdfs(inputs)
    if not paths:
        raise fail("no PDF found in the given inputs")
    out.mkdir(parents=True, exist_ok=True)
    failed: list[InputError] = []
    written = 0
    pages = 0
    sections = 0
    for path, result in parse_many(paths, workers=workers, progress=progress):
        if isinstance(result, InputError):
            failed.append(result)
            console.print(f"[red]error:[/red] {result}", highlight=False)
            continue
        suffix = ".md" if output_format is OutputFormat.md else ".json"
        text = to_markdown(result) if suffix == ".md" else _json(result)
        atomic_write_text(out / f"{path.stem}{suffix}", text)
        written += 1
        pages += result.source.pages
        sections += len(result.sections)
        for warning in result.warnings:
            console.print(f"[yellow]warning:[/yellow] {path}: {warning}", highlight=False)
    console.print(
        f"parsed {written} of {len(paths)} PDF(s): {pages} pages, {sections} sections "
        f"-> {out}" + (f"; {len(failed)} failed" if failed else "")
    )
    if written == 0:
        raise fail("no PDF could be parsed")
    if failed:
        raise some_failed()


def _json(doc: Document) -> str:
    return doc.model_dump_json(indent=1)
