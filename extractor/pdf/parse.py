"""Assemble a `Document`: reading-order text with sections, tables, captions, references."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from extractor.document import (
    Document,
    Figure,
    PageSpan,
    Reference,
    Section,
    SourceInfo,
    Table,
)
from extractor.pdf.captions import figure_label, is_caption, table_label
from extractor.pdf.headings import (
    ALL_RULES,
    Heading,
    HeadingRules,
    body_style,
    continues_numbering,
    drop_reference_entries,
    ensure_abstract,
    fold_abstract_parts,
    heuristic_headings,
    is_known_name,
    join_wrapped,
    opens_body,
    outline_headings,
    section_number,
    style_of,
)
from extractor.pdf.layout import (
    Block,
    Line,
    PageLayout,
    body_size,
    join_drop_caps,
    read_page,
    remove_running_text,
    union_box,
)
from extractor.pdf.metadata import extract_metadata
from extractor.pdf.open import open_pdf
from extractor.pdf.order import reading_order
from extractor.pdf.references import REFERENCE_HEADING, split_references
from extractor.pdf.table_header import (
    count_header_rows,
    join_label_lines,
    spread_header,
    spread_row_labels,
)
from extractor.pdf.tables import FoundTable, borderless_tables, extract_tables, linearise
from extractor.pdf.text import join_lines_at, normalise_space, vocabulary
from schemas.hashing import sha256_file

_ABSTRACT = re.compile(r"^(abstract|summary)\b[\s.:\u2014\u2013-]*", re.IGNORECASE)
_MIN_OUTLINE_ENTRIES = 3
# Floats are set aside inside an open paragraph up to the end of the next page (a table
# set as text is hundreds of blocks); past that the paragraph is taken as ended.
_MAX_DEFERRED = 1000
_SENTENCE_END = ".!?:"
_NUMERIC = re.compile(r"^[\d\s.,:;%()\[\]*\-\u2212\u2013+/=<>\u2264\u2265\u00b1×xX]*$")
_LABEL_CHARS = 25  # lines no longer than this, all of a block: figure labels, legends
# a footnote's mark glued to its first word ("1Department of ...", "*Corresponding ...")
_MARKED_NOTE = re.compile(r"^(\d{1,2}|[*\u2020\u2021\u00a7\u00b6])[A-Z][a-z]")
# footnotes that open with their own label, in body-size print on some layouts
_NOTE_START = re.compile(
    r"^[*\u2020\u2021\u00a7]?\s*(contact\b|correspond|e-?mail\b|received\b|accepted\b|"
    r"present address|these authors contributed|disclosure\b)",
    re.IGNORECASE,
)


def parse_pdf(path: str | Path, *, rules: HeadingRules = ALL_RULES) -> Document:
    """Parse one PDF; raises `InputError` for files that are not a readable PDF.

    `rules` switches heading cues off, for measuring what each adds (benchmarks only).
    """
    path = Path(path)
    pdf = open_pdf(path)
    try:
        with _collector_paused():
            return _parse(path, pdf, rules)
    finally:
        pdf.close()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a paper is parsed: a parse makes ~10^5 line
    and span objects and no reference cycles worth collecting, and each full collection
    walks them all (7% of the parse on the corpus). It runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse(path: Path, pdf: pymupdf.Document, rules: HeadingRules) -> Document:
    warnings: list[str] = []
    pages: list[PageLayout] = []
    # the same Page objects throughout: each page's TextPage is read once and reused
    pdf_pages = list(pdf)
    for number, page in enumerate(pdf_pages, start=1):
        try:
            pages.append(read_page(page, number))
        except Exception as exc:  # one damaged page must not lose the others
            warnings.append(f"page {number}: text could not be read ({exc})")
            pages.append(PageLayout(number, page.rect.width, page.rect.height, []))
    scanned = [p.number for p in pages if not p.blocks and p.has_images]
    if scanned:
        warnings.append(
            f"{len(scanned)} page(s) without a text layer (scanned?), no OCR done: "
            + ", ".join(map(str, scanned))
        )
    if pdf.is_repaired:
        warnings.append("the PDF was damaged and has been repaired; text may be incomplete")
    # page 1's text for metadata, from the TextPage read_page made (not a second reading)
    first = pages[0].textpage if pages else None
    head = first.extractText() if first is not None else ""
    remove_running_text(pages)
    for layout in pages:
        join_drop_caps(layout)
    tables: list[FoundTable] = []
    borderless: list[FoundTable] = []
    for page, layout in zip(pdf_pages, pages, strict=True):
        ruled = extract_tables(page, layout)
        tables.extend(ruled)
        unruled = borderless_tables(page, layout, ruled)
        borderless.extend(unruled)
        _mark_floating(layout, unruled)
    body_print = body_size(pages)
    ordered = [block for layout in pages for block in reading_order(layout, body_print)]

    metadata, skip = extract_metadata([b for b in ordered if b.page == 1], pdf.metadata or {}, head)
    toc = pdf.get_toc(simple=True)
    body = body_style(ordered)
    headings = heuristic_headings(ordered, body, skip, rules)
    if len(toc) >= _MIN_OUTLINE_ENTRIES:
        headings = _merge(outline_headings(ordered, toc, skip, body), headings, rules)
        position = {id(line): i for i, line in enumerate(ln for b in ordered for ln in b.lines)}
        headings.sort(key=lambda h: position[id(h.lines[0])])
    headings = join_wrapped(headings)
    if rules.reference_guard:
        headings = drop_reference_entries(headings)
    headings = fold_abstract_parts(ensure_abstract(_drop_front_matter(headings), ordered, skip))

    words, compounds = vocabulary([line.text for b in ordered for line in b.lines])
    builder = _TextBuilder(words, compounds)
    builder.build(ordered, headings, body_print)
    doc = Document(
        source=SourceInfo(
            path=str(path), sha256=sha256_file(path), pages=pdf.page_count, scanned_pages=scanned
        ),
        metadata=metadata,
        text=builder.text,
        page_map=sorted(builder.page_map, key=lambda span: span.char_start),
        warnings=warnings,
    )
    doc.sections = builder.sections(doc)
    doc.tables = builder.tables(tables, borderless)
    doc.figures = builder.figures()
    doc.references = builder.references()
    if not doc.text.strip() and not scanned:
        doc.warnings.append("no text found in the PDF")
    return doc


def _body(rows: list[list[str]], header_rows: int) -> list[list[str]]:
    """A table's body rows as role checks read them: each row's whole label."""
    return spread_row_labels(join_label_lines(rows, header_rows), header_rows)


def _mark_floating(layout: PageLayout, tables: list[FoundTable]) -> None:
    """Blocks inside a table without rules are a float: they stay text, out of the flow of
    a paragraph the table interrupts."""
    if not tables:
        return  # most pages: no block to look at
    for block in layout.blocks:
        cx, cy = (block.bbox[0] + block.bbox[2]) / 2, (block.bbox[1] + block.bbox[3]) / 2
        if any(t.bbox[0] <= cx <= t.bbox[2] and t.bbox[1] <= cy <= t.bbox[3] for t in tables):
            block.floating = True


def _merge(outline: list[Heading], found: list[Heading], rules: HeadingRules) -> list[Heading]:
    """Outline entries win (their levels are the author's); style cues add what the
    outline leaves out (outlines are often partial or truncated): headings in an outline
    style, known section names, and numbered headings below an accepted number."""
    taken = {id(line) for h in outline for line in h.lines}
    styles = {style_of(h) for h in outline}
    numbers = {n for h in outline if (n := section_number(h.text))}
    extra = []
    for h in found:
        if any(id(line) in taken for line in h.lines):
            continue
        if (
            style_of(h) in styles
            or is_known_name(h.text)
            or len(outline) < 3
            or (rules.numbering and continues_numbering(h, numbers))
        ):
            extra.append(h)
            if number := section_number(h.text):
                numbers.add(number)
    return outline + extra


def _drop_front_matter(headings: list[Heading]) -> list[Heading]:
    """Style cues on page 1 also fire on journal names, article types and affiliations;
    nothing before the first recognised section name (if it is on page 1-2) is a heading."""
    for i, heading in enumerate(headings):
        if is_known_name(heading.text):
            if heading.page <= 2:
                return headings[i:]
            break
    return headings


# slots: made and read a little faster without a __dict__ (see Line)
@dataclass(slots=True)
class _Paragraph:
    lines: list[Line]
    texts: list[str]
    # whether the first line is a caption: asked at every later line and block, known once
    caption: bool = False

    @property
    def first(self) -> Line:
        return self.lines[0]


# slots: see _Paragraph
@dataclass(slots=True)
class _TextBuilder:
    words: set[str]
    compounds: set[str]
    parts: list[str] = field(default_factory=list)
    length: int = 0
    page_map: list[PageSpan] = field(default_factory=list)
    # (heading, heading_start, body_start) in text order
    marks: list[tuple[Heading, int, int]] = field(default_factory=list)
    paragraph_at: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(line) -> span
    table_at: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(table) -> span
    captions: list[tuple[str, int, int, str]] = field(default_factory=list)
    section_lines: list[list[Line]] = field(default_factory=list)
    front_lines: list[Line] = field(default_factory=list)
    _deferred: list[Block] = field(default_factory=list)  # floats met inside a paragraph
    _starts: dict[int, Heading] = field(default_factory=dict)  # id(first line) -> heading
    _inside: set[int] = field(default_factory=set)  # ids of a heading's further lines
    _join: int = 0  # id of a line that goes on with the open paragraph whatever it starts with
    _float_pages: set[int] = field(default_factory=set)  # pages holding no running text

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def _emit(self, text: str) -> tuple[int, int]:
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def build(self, blocks: list[Block], headings: list[Heading], body: float = 0.0) -> None:
        self._float_pages = _float_pages(blocks, body)
        self._starts = {id(h.lines[0]): h for h in headings}
        self._inside = {id(line) for h in headings for line in h.lines[1:]}
        current: _Paragraph | None = None
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if (
                current is not None
                and len(self._deferred) < _MAX_DEFERRED
                and block.page <= self._reach(current)
                and _is_open(current)
                and not self._continues_in(current, block)
            ):
                if (
                    block.aside or not any(id(ln) in self._starts for ln in block.lines)
                ) and _is_float(block, current):
                    # a caption, figure label, footnote or sidebar inside an unfinished
                    # paragraph: read it after the paragraph, which may go on after it
                    self._deferred.append(block)
                    i += 1
                    continue
                if self._deferred or _is_float(block, current):
                    # a float whose cells or labels are set like text: the paragraph
                    # goes on in the next block of its own print, if that continues it
                    resume = self._resumes_at(blocks, i, current)
                    if resume is not None:
                        self._deferred.extend(blocks[i:resume])
                        i = resume
                        continue
            elif (
                current is not None
                and block.page <= self._reach(current)
                and _full_last_line(current)
                and not any(id(ln) in self._starts for ln in block.lines)
                and _is_float(block, current)
            ):
                # a sentence ends with the column's last full line and a float follows: the
                # paragraph goes on if the next block of its print opens without an indent
                resume = self._resumes_at(blocks, i + 1, current, closed=True)
                if resume is not None:
                    self._deferred.extend(blocks[i:resume])
                    self._join = id(blocks[resume].lines[0])
                    i = resume
                    continue
            current = self._feed(block, current)
            i += 1
        self._flush(current)

    def _reach(self, paragraph: _Paragraph) -> int:
        """The last page on which an open paragraph may go on: the next page, or the one
        after pages that hold only floats (a table set over a whole page)."""
        page = paragraph.lines[-1].page + 1
        while page in self._float_pages:
            page += 1
        return page

    def _resumes_at(
        self, blocks: list[Block], i: int, paragraph: _Paragraph, closed: bool = False
    ) -> int | None:
        """Where the open paragraph goes on after the float that starts at `blocks[i]`:
        the first later block in the paragraph's own print (size and font), if it
        continues the paragraph, on the same or the next page. A heading in print as
        large as the paragraph's ends the search (the paragraph really ended)."""
        last = paragraph.lines[-1]
        for j in range(i, min(len(blocks), i + _MAX_DEFERRED - len(self._deferred))):
            block = blocks[j]
            if block.page > self._reach(paragraph):
                return None
            if block.kind != "text" or block.aside or block.floating:
                continue
            first = next((ln for ln in block.lines if id(ln) not in self._inside), None)
            if first is None:
                continue
            if id(first) in self._starts:
                if first.size >= last.size - 0.3:
                    return None
                continue
            if not _same_print(paragraph, first) or is_caption(first.text):
                continue
            if closed:
                return j if _opens_unindented(block, first) else None
            return j if _continues(paragraph, first) else None
        return None

    def _continues_in(self, paragraph: _Paragraph, block: Block) -> bool:
        first = next((ln for ln in block.lines if id(ln) not in self._inside), None)
        return (
            block.kind == "text"
            and first is not None
            and id(first) not in self._starts
            and _continues(paragraph, first)
        )

    def _feed(self, block: Block, current: _Paragraph | None) -> _Paragraph | None:
        """Add one block to the text; returns the paragraph still open after it."""
        if block.kind == "table":
            current = self._flush(current)
            table = block.table
            assert isinstance(table, FoundTable)
            text = linearise(table.rows)
            start, end = self._emit(text)
            self.table_at[id(table)] = (start, end)
            self.page_map.append(
                PageSpan(page=block.page, char_start=start, char_end=end, bbox=block.bbox)
            )
            return None
        inside, starts = self._inside, self._starts  # looked up once: this runs per line
        for k, line in enumerate(block.lines):
            key = id(line)
            if key in inside:
                continue
            heading = starts.get(key)
            if heading is not None:
                current = self._flush(current)
                self._heading(heading)
                if heading.rest:
                    current = _Paragraph([line], [heading.rest], is_caption(heading.rest))
                continue
            if (
                current is not None
                and k == 0
                and key != self._join
                and not _continues(current, line)
            ):
                current = self._flush(current)
            if current is None:
                text = line.flow_text
                current = _Paragraph([line], [text], is_caption(text))
            else:
                current.lines.append(line)
                current.texts.append(line.flow_text)
        return current

    def _flush(self, paragraph: _Paragraph | None) -> None:
        """Emit the paragraph, then the floats set aside while it was open."""
        self._emit_paragraph(paragraph)
        while self._deferred:
            deferred, self._deferred = self._deferred, []
            current: _Paragraph | None = None
            for block in deferred:
                current = self._feed(block, current)
            self._emit_paragraph(current)
        return None

    def _heading(self, heading: Heading) -> None:
        # "Summary" after the body's first section closes the paper (a closing summary
        # under Discussion); before it, it is the abstract (Lancet, BMC "Summary")
        if _ABSTRACT.fullmatch(heading.text.strip()) and not any(
            opens_body(h.text) for h, _start, _end in self.marks
        ):
            heading.text, heading.level = "Abstract", 1
        text = heading.text
        start, end = self._emit(text)
        line = heading.lines[0]
        self.page_map.append(
            PageSpan(page=line.page, char_start=start, char_end=end, bbox=line.bbox)
        )
        self.marks.append((heading, start, end))
        self.section_lines.append([])

    def _emit_paragraph(self, paragraph: _Paragraph | None) -> None:
        if paragraph is None:
            return None
        label = _ABSTRACT.match(paragraph.texts[0]) if not self.marks else None
        if label:
            # an unstyled "Abstract" label opening a paragraph before any heading
            rest = paragraph.texts[0][label.end() :]
            self._heading(Heading(lines=[paragraph.first], text="Abstract", level=1, rest=rest))
            paragraph.texts[0] = rest
        text, offsets = join_lines_at(paragraph.texts, self.words, self.compounds)
        text = text.strip()
        if not text:
            return None
        start, end = self._emit(text)
        self.paragraph_at[id(paragraph.first)] = (start, end)
        # one page-map span per run of lines from the same page
        pages = [line.page for line in paragraph.lines]  # (read once: this runs per line)
        run_start = 0
        for i in range(1, len(pages) + 1):
            if i == len(pages) or pages[i] != pages[run_start]:
                lines = paragraph.lines[run_start:i]
                span_end = start + offsets[i] if i < len(pages) else end
                bbox = union_box([ln.bbox for ln in lines])
                self.page_map.append(
                    PageSpan(
                        page=lines[0].page,
                        char_start=start + offsets[run_start],
                        char_end=span_end,
                        bbox=bbox,
                    )
                )
                run_start = i
        # (a paragraph knows whether it opens with a caption, unless its label was cut)
        if paragraph.caption if not label else is_caption(paragraph.texts[0]):
            kind = "table" if table_label(paragraph.texts[0]) else "figure"
            self.captions.append((kind, start, end, text))
        target = self.section_lines[-1] if self.section_lines else self.front_lines
        target.extend(paragraph.lines)
        return None

    def sections(self, doc: Document) -> list[Section]:
        out = []
        text = doc.text
        page_at = doc.page_finder()
        for i, (heading, _start, body_start) in enumerate(self.marks):
            body_end = self.marks[i + 1][1] if i + 1 < len(self.marks) else len(text)
            raw = text[body_start:body_end]
            lead = len(raw) - len(raw.lstrip())
            body = raw.strip()
            char_start = body_start + lead
            char_end = char_start + len(body)
            page_start = page_at(char_start) or heading.page
            page_end = page_at(max(char_start, char_end - 1)) or page_start
            out.append(
                Section(
                    heading=heading.text,
                    level=heading.level,
                    text=body,
                    page_start=heading.page if not body else page_start,
                    page_end=max(page_end, heading.page),
                    char_start=char_start,
                    char_end=char_end,
                )
            )
        return out

    def tables(self, found: list[FoundTable], borderless: list[FoundTable]) -> list[Table]:
        text = self.text
        tables: list[Table] = []
        captioned: set[int] = set()
        for table in found:
            start, end = self.table_at[id(table)]
            caption = None
            if table.caption_line is not None and id(table.caption_line) in self.paragraph_at:
                c_start, c_end = self.paragraph_at[id(table.caption_line)]
                caption = text[c_start:c_end]
                captioned.add(c_start)
            header = count_header_rows(table.rows)
            tables.append(
                Table(
                    caption=caption,
                    page=table.page,
                    rows=_body(spread_header(table.rows, header, table.spans), header),
                    header_rows=header,
                    char_start=start,
                    char_end=end,
                )
            )
        # captions whose table has no ruling lines: the cells stay text in reading order,
        # rows come from word positions when they could be read as a grid
        cells = {
            self.paragraph_at[id(t.caption_line)][0]: t
            for t in borderless
            if id(t.caption_line) in self.paragraph_at
        }
        for kind, start, end, caption in self.captions:
            if kind == "table" and start not in captioned:
                page = self._page_of(start)
                found = cells.get(start)
                rows = found.rows if found else []
                header = count_header_rows(rows)
                tables.append(
                    Table(
                        caption=caption,
                        page=page,
                        rows=_body(spread_header(rows, header, found.spans), header)
                        if found
                        else rows,
                        header_rows=header,
                        char_start=start,
                        char_end=end,
                    )
                )
        tables.sort(key=lambda t: t.char_start or 0)
        return tables

    def figures(self) -> list[Figure]:
        return [
            Figure(caption=caption, page=self._page_of(start))
            for kind, start, _end, caption in self.captions
            if kind == "figure" and figure_label(caption)
        ]

    def references(self) -> list[Reference]:
        for (heading, _s, _e), lines in zip(self.marks, self.section_lines, strict=True):
            if REFERENCE_HEADING.match(normalise_space(heading.text)):
                return [Reference(text=t, index=i) for i, t in split_references(lines)]
        return []

    def _page_of(self, offset: int) -> int:
        best = 1
        for span in self.page_map:
            if span.char_start <= offset:
                best = span.page
        return best


def _continues(paragraph: _Paragraph, line: Line) -> bool:
    """A paragraph broken by a column or page end goes on in the next block: it ends
    mid-sentence and the block starts in lower case, or its last line is filled to the
    column edge and the block goes on in the same print ("... are presented in" +
    "Supplemental Table 2")."""
    last = paragraph.texts[-1].rstrip()
    if not last or paragraph.caption or is_caption(line.text):
        return False
    if not (last[-1].isalnum() or last[-1] in ",;-(\u00ad"):
        return False
    if line.size < paragraph.lines[-1].size - 0.8:
        return False  # a table's footnote or a figure's label ("aIndependent t-test")
    return line.text[:1].islower() or (_full_last_line(paragraph) and _same_print(paragraph, line))


def _float_pages(blocks: list[Block], body: float) -> set[int]:
    """Pages without running text: every block a table, a caption, a side box or a float,
    or set smaller than the body, or short labels (a table or figure over a whole page)."""
    pages = {block.page for block in blocks}
    running = {
        block.page
        for block in blocks
        if block.kind == "text"
        and not block.aside
        and not block.floating
        and block.lines
        and not is_caption(block.lines[0].text)
        and any(len(line.text) > _LABEL_CHARS and line.size >= body - 0.8 for line in block.lines)
    }
    return pages - running


def _full_last_line(paragraph: _Paragraph) -> bool:
    """The paragraph has two lines or more and its last one reaches the right edge of the
    others: a paragraph's own last line usually stops short."""
    if len(paragraph.lines) < 2:
        return False
    last = paragraph.lines[-1]
    right = max(line.bbox[2] for line in paragraph.lines[:-1])
    return last.bbox[2] >= right - 1.5 * last.size


def _opens_unindented(block: Block, first: Line) -> bool:
    """The block's first line starts where its second does: no paragraph indent, so the
    text goes on from before (a layout that marks new paragraphs by an indent)."""
    lines = block.lines
    if len(lines) < 2 or lines[0] is not first:
        return False
    return abs(first.bbox[0] - lines[1].bbox[0]) <= 1.0 and lines[1].bbox[0] <= first.bbox[0]


def _same_print(paragraph: _Paragraph, line: Line) -> bool:
    last = paragraph.lines[-1]
    return abs(line.size - last.size) <= 0.3 and line.font == last.font


def _is_open(paragraph: _Paragraph) -> bool:
    """The paragraph's last line ends mid-sentence (no closing punctuation)."""
    last = paragraph.texts[-1].rstrip()
    if not last or paragraph.caption:
        return False
    return last[-1] not in _SENTENCE_END and (last[-1].isalnum() or last[-1] in ",;-(\u00ad")


def _is_float(block: Block, paragraph: _Paragraph) -> bool:
    """A block that interrupts running text: a table, a caption, a sidebar box, or text
    set smaller than the paragraph (footnotes, figure labels), or a figure's short labels
    and tick numbers."""
    if block.kind != "text":
        return True
    if block.aside or block.floating or not block.lines:
        return True
    first = block.lines[0].text
    if is_caption(first):
        return True
    size = paragraph.lines[-1].size
    if all(line.size < size - 0.8 for line in block.lines):
        return True
    if _NOTE_START.match(first):
        return True
    if _MARKED_NOTE.match(first) and all(line.size < size - 0.3 for line in block.lines):
        return True  # "1Department of ...": an affiliation or footnote, a little smaller
    return all(len(line.text) <= _LABEL_CHARS or _NUMERIC.match(line.text) for line in block.lines)
