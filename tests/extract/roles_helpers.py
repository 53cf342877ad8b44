"""Papers and tables for the role-check tests, built in memory (no PDF)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from doubles.documents import make_document

from extractor.document import Table
from extractor.verify import PaperChecker, verify_values
from schemas.extracted import Extracted
from schemas.registry import load_form

RCT = load_form("rct_outcomes")


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


@dataclass
class RoleCase:
    """One paper and target, and the role values (`names`) the test looks at: the role
    tests show right values `verified` and a decoy's (real numbers of the same paper in
    another role: arms swapped, another outcome, another timepoint) flagged `check`."""

    paper: PaperChecker
    target: Mapping[str, str]
    names: tuple[str, ...]

    def verifies(self, values: dict[str, Any]) -> dict[str, Extracted[Any]]:
        record = verify_values(RCT, values, self.paper, self.target)
        assert triages(record, self.names) == {"verified"}, self._findings(record)
        return record

    def flags(
        self, values: dict[str, Any], code: str | None = None, name: str = ""
    ) -> dict[str, Extracted[Any]]:
        """All named values come out `check`; `name`'s with the finding `code` if given."""
        record = verify_values(RCT, values, self.paper, self.target)
        if code is not None:
            assert code in finding_codes(record, name), record[name].findings
        assert triages(record, self.names) == {"check"}, self._findings(record)
        return record

    def _findings(self, record: dict[str, Extracted[Any]]) -> dict[str, list[str]]:
        return {n: [f.message for f in record[n].findings] for n in self.names}
