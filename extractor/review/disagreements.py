"""The audit's disagreements.csv: the typed contract between the audit and corrections.

The audit (`eval.report`) writes one `DisagreementRow` per line; reviewers fill
the `adjudication` column; `litextract correct` (`corrections.read_adjudications`)
reads the rows back. Items of lists of objects are addressed by the integer
columns `gold_item` and `pred_item` (1-based positions in the gold and predicted
lists), never by parsing the human-readable `item` label. Text cells are
formula-guarded on the way out and unguarded on the way in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from extractor.spreadsheet import guard_formula, unguard_formula
from schemas.errors import InputError

# Column names in file order; `cls` is written as "class".
_CLASS_COLUMN = "class"
REQUIRED_COLUMNS = ("paper_id", "field", "adjudication")


class RowError(ValueError):
    """A row whose typed columns cannot be read (the message says which and why)."""


@dataclass(frozen=True)
class DisagreementRow:
    paper_id: str
    field: str  # a form field, or parent.child for a part of an object or of an item
    target_id: str | None = None
    target: str = ""
    item: str = ""  # which gold/predicted item, for people
    gold_item: int | None = None  # 1-based position in the gold list (lists of objects)
    pred_item: int | None = None  # 1-based position in the predicted list
    cls: str = ""
    gold: str = ""
    predicted: str = ""
    status: str = ""
    # The extractor's triage of the predicted field and its reason codes ("; "-separated):
    # read by people to adjudicate, ignored by corrections.
    triage: str = ""
    reasons: str = ""
    evidence_quote: str = ""
    evidence_page: str = ""
    evidence_in_paper: str = ""
    adjudication: str = ""

    @classmethod
    def from_cells(cls, cells: dict[str, str | None]) -> DisagreementRow:
        """A row as read by `csv.DictReader` (missing columns are empty). Raises `RowError`."""
        text = {
            name: unguard_formula(cells.get(column) or "").strip()
            for name, column in zip(_NAMES, COLUMNS, strict=True)
        }
        if text["item"] and text["adjudication"] and "pred_item" not in cells:
            raise RowError("this sheet has no pred_item column; re-run the audit to number items")
        return cls(
            **{
                **text,
                "target_id": text["target_id"] or None,
                "gold_item": _item_number(text["gold_item"], "gold_item"),
                "pred_item": _item_number(text["pred_item"], "pred_item"),
            }  # type: ignore[arg-type]
        )

    def cells(self) -> list[str]:
        """The row's cells in `COLUMNS` order, formula-guarded."""
        return [guard_formula("" if v is None else str(v)) for v in astuple(self)]


_NAMES = tuple(f.name for f in fields(DisagreementRow))
COLUMNS = tuple(_CLASS_COLUMN if name == "cls" else name for name in _NAMES)


def _item_number(text: str, column: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise RowError(f"{column} {text!r} is not an item number (1, 2, ...)")
    return int(text)


def disagreements_csv(rows: Iterable[DisagreementRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in rows)
    return buffer.getvalue()


def read_disagreements(path: Path) -> Iterator[tuple[int, DisagreementRow | RowError]]:
    """(line number, row) per data line; a row that cannot be read comes as its `RowError`."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = set(REQUIRED_COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise InputError(path, f"missing column(s) {', '.join(sorted(missing))}")
        for line_no, cells in enumerate(reader, start=2):
            try:
                yield line_no, DisagreementRow.from_cells(cells)
            except RowError as exc:
                yield line_no, exc
