"""Descriptive synthesis of any form, driven by its field kinds.

- categorical fields (enum, boolean, list of enum): how many papers give each value;
- numbers (integer, number, and numbers inside objects such as a dataset's `size`):
  counts per order-of-magnitude bin, so "dataset size" reads as 10^3-10^4 images, ...;
- free text (string, list of string): the most frequent values, case and spacing folded;
- over the years (when the form has an integer `year` field): each of the above per year,
  and for booleans the share that is true;
- cross-tabulations of every pair of vocabulary fields (modality x task, ...).

Every count keeps the papers and values behind it, and how many of them rest on a value
still to check (triage `check`, or a quote not found in the paper), so the page can link
each number to its evidence and show how much of it is unchecked.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.synthesis.studies import Study
from schemas.form import FieldSpec, Form
from schemas.kinds import Kind
from schemas.rules import Rule, parse_rule
from schemas.values import display_value, normalize_text

NOT_REPORTED = "(not reported)"
TOP_TEXT_VALUES = 15
# What a field is, asked of its kind (schemas/kinds.py) so a new kind needs no entry here.


def _categorical(kind: Kind) -> bool:
    return kind.is_categorical or kind.has_choices  # enum, yes/no, list of choices


def _text(kind: Kind) -> bool:
    return (kind.item or kind).python_type is str  # free text, or a list of it


@dataclass(frozen=True)
class Contribution:
    paper: str  # paper id: what "papers" counts
    value: str
    unchecked: bool
    label: str = ""  # the record: "paper #target" for a targeted form, else the paper id

    @property
    def record(self) -> str:
        return self.label or self.paper


@dataclass
class Cell:
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Papers, each once however many of its targets fall here."""
        return len({c.paper for c in self.contributions})

    @property
    def targets(self) -> int:
        """Records (targets of a targeted form; papers otherwise)."""
        return len({c.record for c in self.contributions})

    @property
    def unchecked(self) -> int:
        return len({c.paper for c in self.contributions if c.unchecked})


@dataclass
class CountTable:
    """rows x columns of cells; a one-column table has the column "papers"."""

    name: str  # file-safe identifier
    title: str
    row_label: str
    col_label: str
    rows: dict[str, dict[str, Cell]]
    kind: str  # counts | trend | crosstab
    share_of: str | None = None  # trend tables of booleans: the column whose share is shown
    binned: bool = False  # columns are magnitude bins ("1k–10k volumes"), ordered by size
    targeted: bool = False  # records are targets: counts show papers and targets apart
    flagged_rows: dict[str, str] = field(default_factory=dict)  # row -> the rule it fails

    @property
    def columns(self) -> list[str]:
        cols: list[str] = []
        for row in self.rows.values():
            for c in row:
                if c not in cols:
                    cols.append(c)
        if self.binned:
            return sorted(cols, key=bin_sort_key)
        totals = {c: sum(row[c].count for row in self.rows.values() if c in row) for c in cols}
        return sorted(cols, key=lambda c: (-totals[c], c))

    def counts(self) -> dict[str, dict[str, int]]:
        return {r: {c: cell.count for c, cell in row.items()} for r, row in self.rows.items()}


@dataclass
class Descriptive:
    papers: int
    tables: list[CountTable]
    year_field: str | None
    records: int = 0  # targets of a targeted form (papers otherwise)


def _categories(spec: FieldSpec, value: Any) -> list[str]:
    """The category labels a value counts under (a list counts under each of its items)."""
    if value is None:
        return []
    if spec.kind.python_type is bool:
        return ["yes" if value else "no"]
    if spec.kind.is_set:
        return [str(v) for v in value]
    if spec.kind.python_type is str:
        return [normalize_text(str(value)) or str(value)]
    return [str(value)]


def magnitude_bin(number: float) -> str:
    """Order-of-magnitude bin: 0, <1, 1-10, 10-100, ... 10^k-10^(k+1) (SI-style labels)."""
    if number == 0:
        return "0"
    if number < 0:
        return "negative"
    if number < 1:
        return "<1"
    k = math.floor(math.log10(number))
    return f"{_si(10**k)}–{_si(10 ** (k + 1))}"


def _si(value: float) -> str:
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def _bin_order(label: str) -> tuple[int, float]:
    if label in ("negative", "0", "<1"):
        return (0, {"negative": -2, "0": -1, "<1": 0}[label])
    head = label.split("–")[0]
    scale = {"k": 1e3, "M": 1e6, "G": 1e9}.get(head[-1], 1)
    number = float(head[:-1]) * scale if head[-1] in "kMG" else float(head)
    return (1, number)


@dataclass(frozen=True)
class _Dimension:
    """One way of putting papers into categories: a field, or a numeric sub-field binned."""

    name: str
    title: str
    spec: FieldSpec
    sub: FieldSpec | None = None  # numeric sub-field of an object / list of objects
    by_unit: str | None = None  # sibling enum sub-field naming the unit (size_unit)

    def categories(self, value: Any) -> list[tuple[str, str]]:
        """[(category, value as shown)] for one paper's value of the field."""
        if self.sub is None:
            if self.spec.kind.is_numeric:
                return (
                    [] if value is None else [(magnitude_bin(float(value)), display_value(value))]
                )
            return [(c, c) for c in _categories(self.spec, value)]
        items = value if isinstance(value, list) else [value] if value else []
        out = []
        for item in items:
            if not isinstance(item, dict) or item.get(self.sub.name) is None:
                continue
            number = float(item[self.sub.name])
            unit = str(item.get(self.by_unit) or "") if self.by_unit else ""
            label = magnitude_bin(number) + (f" {unit}" if unit else "")
            out.append((label, display_value(item)))
        return out

    @property
    def numeric(self) -> bool:
        return self.sub is not None or self.spec.kind.is_numeric


def dimensions(form: Form, year_field: str | None) -> list[_Dimension]:
    out = []
    for spec in form.fields:
        if spec.name == year_field:
            continue
        if _categorical(spec.kind) or spec.kind.is_numeric or _text(spec.kind):
            out.append(_Dimension(spec.name, spec.name, spec))
        elif spec.kind.has_parts:
            units = [s.name for s in spec.item_fields if s.kind.has_choices]
            for sub in spec.item_fields:
                unit = next((u for u in units if u.startswith(sub.name)), None)
                # A number inside an object is binned only beside its unit (size, size_unit):
                # metric values of different metrics in one histogram would mean nothing.
                if sub.kind.is_numeric and unit is not None:
                    title = f"{spec.name}.{sub.name}"
                    out.append(_Dimension(title, title, spec, sub, unit))
    return out


def find_year_field(form: Form) -> str | None:
    for spec in form.fields:
        if spec.name == "year" and spec.kind.python_type is int:
            return spec.name
    return None


def describe(studies: list[Study], form: Form) -> Descriptive:
    year_field = find_year_field(form)
    dims = dimensions(form, year_field)
    tables: list[CountTable] = []
    for dim in dims:
        table = _counts(dim, studies)
        if _text(dim.spec.kind) and _all_distinct(table):
            continue  # titles and other one-per-paper text: a count of 1 each says nothing
        tables.append(table)
    if year_field:
        year_rules = _rules_reading(form, year_field)
        for dim in dims:
            if _text(dim.spec.kind):
                continue  # free text per year is noise
            tables.append(_trend(dim, studies, year_field, year_rules))
    # Booleans are read per year (their share); cross-tabs pair the vocabularies.
    categorical = [d for d in dims if d.spec.kind.has_choices and d.sub is None]
    for a, b in itertools.combinations(categorical, 2):
        tables.append(_crosstab(a, b, studies))
    # A field no paper reports gives a table of nothing: left out of the page and files.
    tables = [t for t in tables if any(r != NOT_REPORTED for r in t.rows)]
    for t in tables:
        t.targeted = form.targeted
    papers = len({s.paper_id for s in studies})
    return Descriptive(papers, tables, year_field, len(studies))


def _all_distinct(table: CountTable) -> bool:
    cells = [c for r, row in table.rows.items() if r != NOT_REPORTED for c in row.values()]
    return len(cells) > 1 and all(c.count == 1 for c in cells)


def _unchecked(study: Study, *names: str) -> bool:
    return bool(study.unchecked(list(names)))


def _counts(dim: _Dimension, studies: list[Study]) -> CountTable:
    rows: dict[str, dict[str, Cell]] = {}
    for study in studies:
        value = study.values.get(dim.spec.name)
        pairs = dim.categories(value) or [(NOT_REPORTED, "")]
        flag = _unchecked(study, dim.spec.name)
        for category, shown in pairs:
            cell = rows.setdefault(category, {}).setdefault("papers", Cell())
            cell.contributions.append(Contribution(study.paper_id, shown, flag, study.label))
    ordered = _order_rows(dim, rows)
    if _text(dim.spec.kind):
        ordered = dict(list(ordered.items())[:TOP_TEXT_VALUES])
    return CountTable(
        f"counts_{_safe(dim.name)}", dim.title, dim.title, "papers", ordered, "counts"
    )


def _order_rows(dim: _Dimension, rows: dict[str, dict[str, Cell]]) -> dict[str, dict[str, Cell]]:
    def total(item: tuple[str, dict[str, Cell]]) -> int:
        return sum(c.count for c in item[1].values())

    if dim.numeric:
        key = sorted(rows, key=lambda r: (r == NOT_REPORTED, bin_sort_key(r)))
        return {k: rows[k] for k in key}
    items = sorted(rows.items(), key=lambda kv: (kv[0] == NOT_REPORTED, -total(kv), kv[0]))
    return dict(items)


def bin_sort_key(label: str) -> tuple[str, int, float]:
    if label == NOT_REPORTED:
        return ("", 9, 0.0)
    value, _, unit = label.partition(" ")
    order = _bin_order(value)
    return (unit, order[0], order[1])


def _rules_reading(form: Form, name: str) -> list[Rule]:
    known = frozenset(form.field_names)
    return [r for r in (parse_rule(t, known) for t in form.rules) if name in r.fields]


def _trend(
    dim: _Dimension, studies: list[Study], year_field: str, rules: Sequence[Rule] = ()
) -> CountTable:
    rows: dict[str, dict[str, Cell]] = {}
    flagged: dict[str, str] = {}
    for study in studies:
        year = study.values.get(year_field)
        year_label = str(year) if year is not None else NOT_REPORTED
        # A year the form's rules refuse (year 1, 2091) is still counted, never hidden,
        # but marked so no one reads it as a real year on the chart.
        broken = next((r.text for r in rules if r.holds(study.values) is False), None)
        if broken is not None:
            flagged[year_label] = broken
        flag = _unchecked(study, dim.spec.name, year_field)
        for category, shown in dim.categories(study.values.get(dim.spec.name)):
            cell = rows.setdefault(year_label, {}).setdefault(category, Cell())
            cell.contributions.append(Contribution(study.paper_id, shown, flag, study.label))
    ordered = {k: rows[k] for k in sorted(rows, key=lambda y: (y == NOT_REPORTED, y))}
    share = "yes" if dim.spec.kind.python_type is bool else None
    title = f"{dim.title} by {year_field}"
    return CountTable(
        f"trend_{_safe(dim.name)}",
        title,
        year_field,
        dim.title,
        ordered,
        "trend",
        share,
        binned=dim.numeric,
        flagged_rows={k: v for k, v in flagged.items() if k in ordered},
    )


def _crosstab(a: _Dimension, b: _Dimension, studies: list[Study]) -> CountTable:
    rows: dict[str, dict[str, Cell]] = {}
    for study in studies:
        flag = _unchecked(study, a.spec.name, b.spec.name)
        for ra, sa in a.categories(study.values.get(a.spec.name)):
            for cb, sb in b.categories(study.values.get(b.spec.name)):
                cell = rows.setdefault(ra, {}).setdefault(cb, Cell())
                cell.contributions.append(
                    Contribution(study.paper_id, f"{sa} / {sb}", flag, study.label)
                )
    title = f"{a.title} × {b.title}"
    name = f"crosstab_{_safe(a.name)}__{_safe(b.name)}"
    return CountTable(name, title, a.title, b.title, rows, "crosstab")


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def share_text(table: CountTable, row: str) -> str:
    """For boolean trends: 'yes' share among the papers of that year that report the field."""
    cells = table.rows.get(row, {})
    reported = sum(c.count for c in cells.values())
    if not reported or table.share_of is None:
        return ""
    yes = cells.get(table.share_of)
    return f"{(yes.count if yes else 0) / reported:.0%}"


def papers_with_values(table: CountTable) -> Counter[str]:
    """How many papers stand behind each row (for ranking cross-tabs)."""
    return Counter(
        {
            r: len({c.paper for cell in row.values() for c in cell.contributions})
            for r, row in table.rows.items()
        }
    )
