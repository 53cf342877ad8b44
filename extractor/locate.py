"""Where a value is printed in the paper, and what stands around it.

A model's quote says where *it* read a value; the role checks need every place the
paper prints it, with the context that gives a number its role: in a table, the row
label, the label of the section of rows it sits in (often a timepoint), the column
header and the caption; in text, the sentence. Numbers are read by `schemas.numbers`
(one reader), so "1,234", "0·5" and "−3" mean here what they mean everywhere.

The paper is cut once into `Unit`s (a table row, a row-like line of a table that was
not parsed into cells, or a sentence). Each unit's numbers are grouped as papers pair
them: "11/49", "11 (22.4 %)", "12.3 ± 4.5", "12.3 (4.5)" are one group of two numbers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from extractor.document import Document, Table
from extractor.grounding import fold_char
from extractor.pdf.references import REFERENCE_HEADING
from schemas.numbers import PrintedNumber, numbers_in

UnitKind = Literal["table", "line", "text"]
PairKind = Literal["slash", "pm", "paren", "of", ""]

_PAIR = re.compile(
    r"\s*(?:(?P<slash>/)|(?P<pm>±|\+/-|\+-)|(?P<paren>[(\[](?:\s*(?:SD|sd|s\.d\.)\s*[=:]?|\s*CI)?)"
    r"|(?P<of>of|out of))\s*"
)
_CLOSE = re.compile(r"[^)\]]*?[)\]]")
_CAPTION = re.compile(r"^\s*(?:table|tab\.)\s*[0-9ivx]+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\[])|\n\s*\n")
_WORDS = re.compile(r"[a-z0-9]+")


def fold_text(text: str) -> str:
    """Case-folded text with look-alike characters unified (one char per char)."""
    return "".join(fold_char(ch)[:1] or " " for ch in text)


def contains_term(text: str, term: str) -> bool:
    """Whether `term` is printed in `text` as whole words and whole numbers.

    "x" is not in "extractor", "12" is not in "123", "ResNet-50" is in "ResNet 50" and
    in "resnet-\\n50": words compare case-folded, separated by any run of non-letters.
    """
    words = _WORDS.findall(fold_text(term))
    if not words:
        return False
    gap = r"[^a-z0-9]*"
    pattern = r"(?<![a-z0-9])" + gap.join(re.escape(w) for w in words) + r"(?![a-z0-9])"
    return re.search(pattern, fold_text(text)) is not None


@dataclass(frozen=True)
class ValueGroup:
    """Numbers printed as one value: a head and what is paired with it ("11 (22 %)")."""

    numbers: tuple[PrintedNumber, ...]
    pair: PairKind = ""

    @property
    def head(self) -> PrintedNumber:
        return self.numbers[0]

    @property
    def second(self) -> PrintedNumber | None:
        return self.numbers[1] if len(self.numbers) > 1 else None

    @property
    def start(self) -> int:
        return self.head.start

    @property
    def end(self) -> int:
        return self.numbers[-1].end


@dataclass
class Unit:
    """One place numbers are printed: a table row, a row-like line or a sentence."""

    kind: UnitKind
    text: str
    page: int | None = None
    char_start: int | None = None  # of `text` in Document.text, when it is a span of it
    label: str = ""  # table row label (the text before the row's first number)
    # further text cells before the row's first number ("Left colon | RMD | 14.9 ± 9.9":
    # "RMD", the arm in a column of its own beside the outcome's label), tables only
    stub: str = ""
    section: str = ""  # the label-only row above (a timepoint, a subgroup), tables only
    caption: str = ""
    header: str = ""  # the table's header rows, joined in reading order
    column_headers: list[str] = field(default_factory=list)  # per value group (tables)
    cells: list[int] = field(default_factory=list)  # per value group: its cell (tables)
    table: int | None = None  # index into Document.tables, or a table region's number
    groups: list[ValueGroup] = field(default_factory=list)

    @cached_property
    def context(self) -> str:
        """The words that say what this unit's numbers are."""
        if self.kind == "text":
            return self.text
        return " ".join(p for p in (self.label, self.section) if p)


@dataclass(frozen=True)
class Occurrence:
    """A value found in a unit: which group, and which number of the group."""

    unit: Unit
    group: int
    position: int  # 0: the group's head, 1: its paired number, ...

    @property
    def value_group(self) -> ValueGroup:
        return self.unit.groups[self.group]

    @property
    def number(self) -> PrintedNumber:
        return self.value_group.numbers[self.position]

    @property
    def quote(self) -> str:
        """A short passage to show a reviewer (the unit, cut around the value)."""
        text = self.unit.text
        if len(text) <= 300:
            return text.strip()
        at = self.number.start
        return text[max(0, at - 150) : at + 150].strip()

    @property
    def char_start(self) -> int | None:
        if self.unit.char_start is None:
            return None
        return self.unit.char_start + self.number.start

    @property
    def char_end(self) -> int | None:
        if self.unit.char_start is None:
            return None
        return self.unit.char_start + self.number.end


def value_groups(text: str) -> list[ValueGroup]:
    """The numbers of `text`, grouped: "11/49", "11 (22 %)", "1.2 ± 0.3", "4.9 (1.7)"."""
    numbers = numbers_in(text)
    groups: list[ValueGroup] = []
    i = 0
    while i < len(numbers):
        chain = _slash_chain(text, numbers, i)
        if chain >= 3:  # "EA 2/241/08", "12/05/2019": an identifier or a date, no value
            i += chain
            continue
        head = numbers[i]
        members = [head]
        pair: PairKind = ""
        j = i + 1
        if j < len(numbers):
            between = text[head.end : numbers[j].start]
            match = _PAIR.fullmatch(between)
            if match:
                pair = next(k for k, v in match.groupdict().items() if v)  # type: ignore[assignment]
                members.append(numbers[j])
                j += 1
                if pair == "paren":  # "(20–60)", "(1.2, 3.4)": the rest up to ")" belongs too
                    close = _CLOSE.match(text, numbers[j - 1].start)
                    limit = close.end() if close else numbers[j - 1].end
                    while j < len(numbers) and numbers[j].end <= limit:
                        members.append(numbers[j])
                        j += 1
        groups.append(ValueGroup(tuple(members), pair))
        i = j
    return groups


def _slash_chain(text: str, numbers: list[PrintedNumber], i: int) -> int:
    """How many numbers from `numbers[i]` on are joined by bare slashes ("2/241/08": 3)."""
    j = i + 1
    while j < len(numbers) and text[numbers[j - 1].end : numbers[j].start] == "/":
        j += 1
    return j - i


def _has_letters(text: str) -> bool:
    return re.search(r"[A-Za-z]{2,}", text) is not None


def _label_of(text: str, groups: list[ValueGroup]) -> str:
    before = text[: groups[0].start] if groups else text
    return before.strip(" |:\t\n")


# The end of a row label: its last letter, with a size it names ("(n = 628)").
_LABEL_END = re.compile(r"[^\W\d_](?:\s*=\s*\d[\d,.]*\s*\)?)?")


def _values_after_label(cell: str, groups: list[ValueGroup]) -> list[ValueGroup]:
    """The values of a row left in its label's cell: two groups or more after the label's
    last word ("Any complications 238(73%) 241 (73.9%)", "Pain day 1 (n = 628) 234 (75.2%)
    261 (82.3%)"); none for a label holding its own number ("Shivering grade ≥ 2",
    "28-day mortality", "Grade 3 or 4")."""
    ends = [m.end() for m in _LABEL_END.finditer(cell)]
    if not ends:
        return []
    after = [g for g in groups if g.start >= ends[-1]]
    return after if len(after) >= 2 else []


class Locator:
    """Every printed number of one document, with context; built once per paper."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.units: list[Unit] = []
        for index, table in enumerate(document.tables):
            self.units += table_units(table, index)
        self.units += text_units(document)
        self._index: dict[float, list[Occurrence]] = defaultdict(list)
        for unit in self.units:
            for g, group in enumerate(unit.groups):
                for p, number in enumerate(group.numbers):
                    self._index[_key(number.value)].append(Occurrence(unit, g, p))

    @cached_property
    def sentences(self) -> list[Unit]:
        """Every sentence of the text, with or without numbers (for words and names)."""
        out = []
        for at, paragraph in body_paragraphs(self.document):
            for start, sentence in _sentences(paragraph):
                out.append(Unit(kind="text", text=sentence, char_start=at + start))
        return out

    def find(self, value: float) -> list[Occurrence]:
        """Every printed occurrence of `value` (sign ignored: "decreased by 0.3" is −0.3)."""
        return list(self._index.get(_key(value), []))


def _key(value: float) -> float:
    return round(abs(float(value)), 9)


def header_rows(table: Table) -> int:
    """How many leading rows are headers: the parser's answer, else a guess.

    The guess: the first row, and any following rows whose first cell is empty (a
    column header's second line, "(n = 50)", sits under the header, not beside a label).
    """
    if table.header_rows:
        return table.header_rows
    rows = table.rows
    count = 1
    while count < len(rows) - 1 and not (rows[count][0] if rows[count] else "").strip():
        if any(_has_letters(c) and not numbers_in(c) for c in rows[count][1:]) or all(
            re.fullmatch(r"\s*\(?\s*[nN]\s*=\s*\d+\s*\)?\s*", c) or not c.strip()
            for c in rows[count][1:]
        ):
            count += 1
        else:
            break
    return count


def table_units(table: Table, index: int) -> list[Unit]:
    """One unit per body row of a parsed table, its numbers grouped per cell."""
    if len(table.rows) < 2:
        return []
    heads = header_rows(table)
    width = max(len(r) for r in table.rows)
    columns = [
        " ".join(dict.fromkeys(r[c].strip() for r in table.rows[:heads] if c < len(r) and r[c]))
        for c in range(width)
    ]
    header = " ".join(dict.fromkeys(" ".join(r) for r in table.rows[:heads]))
    caption = table.caption or ""
    units: list[Unit] = []
    section = ""
    block, block_columns = "", set[int]()  # a row naming the category rows below it
    for row in table.rows[heads:]:
        cells = [c or "" for c in row]
        if cells and cells[0].strip() and not any(c.strip() for c in cells[1:]):
            whole = value_groups(cells[0])
            label = _label_of(cells[0], whole)
            if whole and _has_letters(label) and not _section_heading(cells[0], whole):
                # "Partial obstruction 8/20 13/44 0.716": a row the parser left in one cell;
                # its columns are read from the header in order, as for a line of text.
                units.append(
                    Unit(
                        kind="line",
                        text=cells[0],
                        page=table.page,
                        label=label,
                        section=section,
                        caption=caption,
                        header=header,
                        table=index,
                        groups=whole,
                    )
                )
                continue
            section = cells[0].strip()  # "Late time (2–24 h)", "6 months": names the rows below
            continue
        if _subheader(cells):
            # "CGI-I response | responders | % | 95% CI": a block of rows with its own
            # outcome and column names (the top header named the first block's).
            section = cells[0].strip()
            columns = [
                cell.strip() if c < len(cells) and (cell := cells[c]).strip() else columns[c]
                for c in range(width)
            ]
            continue
        label = cells[0].strip() if cells and not numbers_in(cells[0]) else ""
        groups: list[ValueGroup] = []
        heads_of: list[str] = []
        cell_of: list[int] = []
        text_parts: list[str] = []
        stub: list[str] = []
        offset = 0
        merged: list[Unit] = []
        values_beside = any(value_groups(c) for c in cells[1:])
        for c, cell in enumerate(cells):
            cell_groups = value_groups(cell)
            row_values = _values_after_label(cell, cell_groups) if c == 0 else []
            if row_values and values_beside:
                # "Any complications 238(73%) 241 (73.9%) | 0.86": the parser put the arms'
                # columns into the label's cell; the cells beside it are further columns.
                label = cell[: row_values[0].start].strip(" |:\t\n")
                cell_groups = row_values
            elif c == 0 and cell_groups and values_beside:
                # "Shivering grade ≥ 2", "28-day mortality": numbers of the label itself.
                label = cell.strip()
                cell_groups = []
            elif c == 0 and cell_groups:  # "Nausea 15 (30 %) 5 (10 %)": a row in one cell
                label = _label_of(cell, cell_groups)
            elif c > 0 and len(cell_groups) >= 2 and _has_letters(_label_of(cell, cell_groups)):
                # A whole row of a neighbouring table merged into one cell by the parser.
                merged.append(
                    Unit(
                        kind="table",
                        text=cell,
                        page=table.page,
                        label=_label_of(cell, cell_groups),
                        caption=caption,
                        header=columns[c] if c < len(columns) else header,
                        column_headers=[""] * len(cell_groups),
                        table=index,
                        groups=cell_groups,
                    )
                )
                continue
            if c > 0 and not cell_groups and not groups and cell.strip():
                stub.append(cell.strip())
            for group in cell_groups:
                groups.append(_shift(group, offset))
                heads_of.append(columns[c] if c < len(columns) and c > 0 else "")
                cell_of.append(c)
            text_parts.append(cell)
            offset += len(cell) + 3  # " | "
        units += merged
        if not groups:
            if label and not any(c.strip() for c in cells[1:]):
                section = label  # "Late time (2–24 h)": names the rows below it
            continue
        if block and set(cell_of) & block_columns:
            block = ""  # a row of its own: the categories above have ended
        groups, heads_of, cell_of = _pair_columns(groups, heads_of, cell_of)
        units.append(
            Unit(
                kind="table",
                text=" | ".join(text_parts),
                page=table.page,
                label=label,
                stub=" ".join(stub),
                section=block or section,
                caption=caption,
                header=header,
                column_headers=heads_of,
                cells=cell_of,
                table=index,
                groups=groups,
            )
        )
        if label and cell_of and cell_of[0] > 1 and not stub:
            # "Severity of respiratory disease | | | 1.03 (0.69–1.53)": an effect printed
            # for the categories below it ("Nil", "Mild", "Severe"), whose arms' cells
            # fill the columns this row leaves empty: its label names them.
            block, block_columns = label, set(cell_of)
    return units


_MEAN_HEAD = re.compile(r"\bmean\b", re.IGNORECASE)
_SD_HEAD = re.compile(r"\bS\.?D\.?$|\bstandard deviation$", re.IGNORECASE)
# A column of counts: its header starts or ends with n / No. / number ("n (%)", "No. of
# patients", "Placebo n").
_COUNT_HEAD = re.compile(r"^\W*(?:n|no\.?|number)\b|(?:^|\s)(?:n|no\.?|number)\W*$", re.IGNORECASE)


def counts_column(header: str) -> bool:
    """Whether a column header names a column of counts (group sizes, events)."""
    return _COUNT_HEAD.search(header.strip()) is not None


_PERCENT_HEAD = re.compile(r"^\(?\s*%\s*\)?$|\(\s*%\s*\)$|\s%$")


def _pair_columns(
    groups: list[ValueGroup], heads: list[str], cells: list[int]
) -> tuple[list[ValueGroup], list[str], list[int]]:
    """One value printed over two columns, "Mean | SD" or "n | %", read as the one group
    it would be in one cell ("12.3 ± 4.5", "12 (20.0)"), under the first column's header;
    read as two values, an SD would never stand where an SD stands, and the arm would be
    printed "again" in a second column."""
    out_groups: list[ValueGroup] = []
    out_heads: list[str] = []
    out_cells: list[int] = []
    i = 0
    while i < len(groups):
        if i + 1 < len(groups) and cells[i + 1] == cells[i] + 1:
            first, second = groups[i], groups[i + 1]
            single = len(first.numbers) == 1 and len(second.numbers) == 1
            here, there = heads[i].strip(), heads[i + 1].strip()
            pair: PairKind = ""
            if single and _MEAN_HEAD.search(here) and _SD_HEAD.search(there):
                pair = "pm"
            elif single and counts_column(here) and _PERCENT_HEAD.search(there):
                pair = "paren"
            if pair:
                out_groups.append(ValueGroup((first.head, second.head), pair))
                out_heads.append(heads[i])
                out_cells.append(cells[i])
                i += 2
                continue
        out_groups.append(groups[i])
        out_heads.append(heads[i])
        out_cells.append(cells[i])
        i += 1
    return out_groups, out_heads, out_cells


def _subheader(cells: list[str]) -> bool:
    """A header inside the body: a label and column names, words in every filled cell
    ("CGI-I response | Proportion responders | % | Wald 95% CI | p"), naming the block of
    rows below (arms as rows)."""
    rest = [c.strip() for c in cells[1:] if c.strip()]
    if not cells or not _has_letters(cells[0]) or len(rest) < 2:
        return False
    return all(re.search(r"[A-Za-z%]", c) for c in rest) and any(_has_letters(c) for c in rest)


def _shift(group: ValueGroup, offset: int) -> ValueGroup:
    numbers = tuple(
        PrintedNumber(n.value, n.start + offset, n.end + offset, n.raw, n.percent, n.whole)
        for n in group.numbers
    )
    return ValueGroup(numbers, group.pair)


def body_paragraphs(document: Document) -> list[tuple[int, str]]:
    """(offset, text) of the paragraphs, those of the reference list left out: a cited
    title or volume ("... by continuous administration", "2011;12:2–12") is another
    paper's words and numbers, never where this paper prints a value."""
    cited = [
        (s.char_start, s.char_end)
        for s in document.sections
        if REFERENCE_HEADING.match(s.heading.strip())
    ]
    return [
        (at, paragraph)
        for at, paragraph in _paragraphs(document.text)
        if not any(start < at + len(paragraph) and at < end for start, end in cited)
    ]


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out = []
    at = 0
    for piece in re.split(r"(\n\s*\n)", text):
        if piece.strip() and not re.fullmatch(r"\n\s*\n", piece):
            out.append((at, piece))
        at += len(piece)
    return out


def _row_like(paragraph: str, groups: list[ValueGroup]) -> bool:
    # A line of a table the parser left as text: short, and mostly numbers.
    if len(paragraph) > 220 or not groups:
        return False
    letters = len(re.findall(r"[A-Za-z]", paragraph[groups[0].start :]))
    return letters <= 12 and not re.search(r"[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}", paragraph)


_SIZES = re.compile(r"^[^.]{0,80}?(?:\(?\s*[nN]\s*=\s*\d+\s*\)?[^.]{0,40}?)+$")
_TIMEPOINT = re.compile(
    r"\d\s*(?:h|hr|hrs|hours?|days?|d|weeks?|wk|months?|mo|years?|yr|min)\b"
    r"|\b(?:baseline|follow[- ]?up|early|late|visit|discharge|end of (?:treatment|study)|"
    r"week|month|day|year)\b",
    re.IGNORECASE,
)


def _section_heading(paragraph: str, groups: list[ValueGroup]) -> bool:
    # "Late time (2–24 h)", "6 months", "Week 12": a timepoint naming the rows below it.
    text = paragraph.strip()
    return len(text) < 60 and len(groups) <= 2 and _TIMEPOINT.search(text) is not None


def text_units(document: Document) -> list[Unit]:
    """Sentences of the running text, and row-like lines of tables left as text.

    A row-like line takes as label the text before its first number, or else the short
    text paragraph next to it (the parser may put a row's label before or after its
    numbers); its header is the text between the table's caption and its first row, and
    a short timepoint paragraph ("Late time (2–24 h)") names the rows below it.
    """
    units: list[Unit] = []
    page_at = document.page_finder()
    paragraphs = body_paragraphs(document)
    if document.tables:
        paragraphs = [piece for at, p in paragraphs for piece in _outside_tables(at, p)]
    caption, header, section = "", [], ""
    in_table, rows_seen, table_no = False, 0, -1
    sections: set[int] = set()
    for i, (at, paragraph) in enumerate(paragraphs):
        if _CAPTION.match(paragraph):
            caption, header, section = paragraph.strip(), [], ""
            in_table, rows_seen, table_no = True, 0, table_no - 1
            continue
        groups = value_groups(paragraph)
        if in_table:
            if _SIZES.match(paragraph) and rows_seen == 0:
                header.append(paragraph.strip())  # "Group H1 (n = 49)", "(n = 50) (n = 49) P*"
                continue
            if _section_heading(paragraph, groups) and not _row_like(paragraph, groups[1:]):
                section = paragraph.strip()
                sections.add(i)
                continue
            if _row_like(paragraph, groups):
                label = _label_of(paragraph, groups)
                if not _has_letters(label):
                    label = _neighbour_label(paragraphs, i, sections)
                units.append(
                    Unit(
                        kind="line",
                        text=paragraph,
                        page=page_at(at),
                        char_start=at,
                        label=label,
                        section=section,
                        caption=caption,
                        header=" ".join(header),
                        table=table_no,
                        groups=groups,
                    )
                )
                rows_seen += 1
                continue
            if not groups and len(paragraph) < 120:
                if rows_seen == 0:
                    header.append(paragraph.strip())
                continue  # a row label, kept for its row by `_neighbour_label`
            in_table = len(paragraph) < 200  # a long sentence: the table is over
        for start, sentence in _sentences(paragraph):
            sentence_groups = value_groups(sentence)
            if sentence_groups:
                units.append(
                    Unit(
                        kind="text",
                        text=sentence,
                        page=page_at(at + start),
                        char_start=at + start,
                        groups=sentence_groups,
                    )
                )
    return units


_TABLE_ROW = re.compile(r"^[^\n]* \| [^\n]*$", re.MULTILINE)


def _outside_tables(at: int, paragraph: str) -> list[tuple[int, str]]:
    """The paragraph without the rows of parsed tables the parser linearised into the text
    ("cell | cell"): those numbers are located in `table_units`, with their columns; read
    again as a sentence, a row would lose its column headers (and with them its timepoint)."""
    out = []
    start = 0
    for row in _TABLE_ROW.finditer(paragraph):
        if paragraph[start : row.start()].strip():
            out.append((at + start, paragraph[start : row.start()]))
        start = row.end()
    if paragraph[start:].strip():
        out.append((at + start, paragraph[start:]))
    return out


def _neighbour_label(paragraphs: list[tuple[int, str]], i: int, sections: set[int]) -> str:
    # The short text paragraph right before, else right after (either order occurs).
    for j in (i - 1, i + 1):
        if 0 <= j < len(paragraphs) and j not in sections:
            text = paragraphs[j][1].strip()
            if text and len(text) < 80 and _has_letters(text) and not value_groups(text):
                return text
    return ""


def _sentences(paragraph: str) -> list[tuple[int, str]]:
    out = []
    at = 0
    for piece in _SENTENCE_END.split(paragraph):
        start = paragraph.find(piece, at)
        if piece.strip():
            out.append((start, piece))
        at = start + len(piece)
    return out
