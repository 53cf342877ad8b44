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


def make_table(*rows: list[str], caption: str = "Table 2 Outcomes", header_rows: int = 0) -> Table:
    """A table on page 1; `header_rows`: how many leading rows the parser marked as headers."""
    return Table(caption=caption, page=1, rows=[list(r) for r in rows], header_rows=header_rows)


def finding_codes(record: dict[str, Extracted[Any]], name: str) -> set[str]:
    return {f.code for f in record[name].findings}


def events_record(ai: int, n1: int, ci: int, n2: int) -> dict[str, Any]:
    """A binary record's numbers: events and group size of each arm."""
    return {
        "outcome_type": "binary",
        "intervention_events": ai,
        "intervention_group_size": n1,
        "comparator_events": ci,
        "comparator_group_size": n2,
    }


def means_record(i_mean: float, i_sd: float, c_mean: float, c_sd: float) -> dict[str, Any]:
    """A continuous record's numbers: mean and SD of each arm."""
    return {
        "outcome_type": "continuous",
        "intervention_mean": i_mean,
        "intervention_standard_deviation": i_sd,
        "comparator_mean": c_mean,
        "comparator_standard_deviation": c_sd,
    }


def triages(record: dict[str, Extracted[Any]], names: tuple[str, ...]) -> set[str]:
    """The triage classes the named values of a record came out with."""
    return {record[name].triage.value for name in names}
