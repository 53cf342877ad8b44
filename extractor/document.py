"""The parsed paper: the one data model every later stage reads.

`Document.text` is the whole paper as one string in reading order; sections,
tables and the page map all point into it with character offsets, so an
evidence quote located in `text` can be traced back to its section and page.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field


class SourceInfo(BaseModel):
    path: str
    sha256: str
    pages: int
    scanned_pages: list[int] = Field(
        default_factory=list, description="1-based pages that have no text layer"
    )
    paper_id: str | None = Field(
        default=None,
        description="set when the file's stem is another file's id in the same batch "
        "(extractor/paper_ids.py); None: the stem is the id",
    )


class Metadata(BaseModel):
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    year: int | None = None
    doi: str | None = None


class Section(BaseModel):
    heading: str
    level: int = 1
    text: str
    page_start: int
    page_end: int
    char_start: int = Field(description="offset of the section body in Document.text")
    char_end: int


class Table(BaseModel):
    caption: str | None = None
    page: int
    rows: list[list[str]] = Field(
        default_factory=list,
        description="the table's cells, row by row; a row label printed once beside several "
        "rows (a stub spanning them) repeats in each of its rows",
    )
    header_rows: int = Field(
        default=0,
        description="how many leading rows of `rows` are column headers (0: not known); a "
        "header cell spanning several columns repeats its text in each of them",
    )
    char_start: int | None = Field(
        default=None, description="offset of the table's linearised text in Document.text"
    )
    char_end: int | None = None


class Figure(BaseModel):
    caption: str
    page: int


class Reference(BaseModel):
    text: str
    index: int | None = None


class PageSpan(BaseModel):
    """Characters [char_start, char_end) of Document.text come from `page` (1-based)."""

    page: int
    char_start: int
    char_end: int
    bbox: tuple[float, float, float, float] | None = None


class Document(BaseModel):
    source: SourceInfo
    metadata: Metadata = Field(default_factory=Metadata)
    text: str = ""
    sections: list[Section] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    page_map: list[PageSpan] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def paper_id(self) -> str:
        return self.source.paper_id or Path(self.source.path).stem

    def with_paper_id(self, paper_id: str) -> Document:
        """This document under another id (a batch's unique id for a repeated file name)."""
        if paper_id == self.paper_id:
            return self
        return self.model_copy(
            update={"source": self.source.model_copy(update={"paper_id": paper_id})}
        )

    def page_at(self, offset: int) -> int | None:
        """The 1-based page the character at `offset` comes from (None if unknown)."""
        return self.page_finder()(offset)

    def page_finder(self) -> Callable[[int], int | None]:
        """`page_at` for many offsets: the page map's starts are listed once, not per call."""
        starts = [span.char_start for span in self.page_map]
        pages = [span.page for span in self.page_map]

        def page_at(offset: int) -> int | None:
            i = bisect.bisect_right(starts, offset) - 1
            return pages[i] if i >= 0 else None

        return page_at

    def section_at(self, offset: int) -> Section | None:
        """The section whose body contains `offset` (None if outside every section)."""
        for section in self.sections:
            if section.char_start <= offset < section.char_end:
                return section
        return None
