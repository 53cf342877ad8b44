"""Papers and tables for the role-check tests, built in memory (no PDF)."""

from __future__ import annotations

from typing import Any

from doubles.documents import make_document

from extractor.document import Table
from extractor.verify import PaperChecker
from schemas.extracted import Extracted


def make_paper(text: str, *tables: Table) -> PaperChecker:
    document = make_document([text])
    document.tables.extend(tables)
    return PaperChecker(document)


def make_table(*rows: list[str], caption: str = "Table 2 Outcomes") -> Table:
    return Table(caption=caption, page=1, rows=[list(r) for r in rows])


def finding_codes(record: dict[str, Extracted[Any]], name: str) -> set[str]:
    return {f.code for f in record[name].findings}
