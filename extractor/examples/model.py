"""The shape of a synthetic example paper, independent of how it is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    heading: str  # with its number, as printed ("2.1 Pretraining data")
    paragraphs: list[str]


@dataclass
class TableSpec:
    caption: str
    header: list[str]
    rows: list[list[str]]
    after_section: str  # heading of the section the table follows


@dataclass
class Paper:
    stem: str
    title: str
    short_title: str
    authors: list[str]
    affiliation: str
    year: int
    doi: str
    journal: str
    abstract: str
    keywords: list[str]
    sections: list[Section]
    table: TableSpec
    figure_caption: str
    figure_after: str
    references: list[str]
    extra_tables: list[TableSpec] = field(default_factory=list)
