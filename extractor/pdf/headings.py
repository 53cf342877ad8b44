"""Section headings: the PDF outline where it has one, plus font and numbering cues.

Style cues, all relative to the document's own body text (size, weight, slant, font):
a heading is a short line that starts a paragraph and looks different from body text
(larger, bold, all capitals, italic, or set in a rare font when font names are
obfuscated), or a run-in label in a distinct face that opens a paragraph and ends in a
period or colon ("2.1.1. Chemicals. Chromogenic substrates ..."). Italic alone is a weak
cue, kept when numbered or when the style recurs. Table rows, article metadata labels,
structured-abstract labels and reference entries are filtered out. Levels come from the
outline or the numbering ("2.1") when present, else from the rank of the heading's style.
`HeadingRules` switches the cues added for issue 15 off, to measure what each adds.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TypeVar

from rapidfuzz import fuzz

from extractor.pdf.captions import is_caption
from extractor.pdf.layout import Block, Line, Span
from extractor.pdf.references import REFERENCE_HEADING
from extractor.pdf.text import clean_chars, normalise_space

_NUMBERING = re.compile(r"^((?:\d{1,2}\.)*\d{1,2})\.?\s+(?=\S)|^([IVX]{1,4})\.\s+|^([A-H])\.\s+")
_KNOWN = re.compile(
    r"^(abstract|summary|introduction|background|methods?|materials? and methods|"
    r"patients and methods|methodology|results?|results and discussion|discussion|"
    r"conclusions?|references|bibliography|literature cited|acknowledge?ments?|"
    r"limitations|funding|trial registration|abbreviations|conflicts? of interests?|"
    r"competing interests|declarations?|authors?'? contributions|supplementary material|"
    r"appendix|keywords?)\b",
    re.IGNORECASE,
)
# Labels that look like headings but open no section: article metadata, journal
# boilerplate, CRediT contributor roles.
_NOT_SECTIONS = re.compile(
    r"^(received|revised|accepted|published|copyright|editor|academic editor|citation|"
    r"how to cite this( article)?|source of support|address for correspondence|"
    r"correspondence|corresponding author|access this article online|for reprints contact|"
    r"e-?mail|"
    r"keywords?|key words|conceptualization|data curation|formal analysis|"
    r"funding acquisition|investigation|methodology|project administration|resources|"
    r"software|supervision|validation|visualization|writing\W+original draft|"
    r"writing\W+review (and|&) editing|open access|research article|original article)\b",
    re.IGNORECASE,
)
_ABSTRACT_PARTS = re.compile(
    r"^(background|objectives?|aims?|purpose|context|importance|rationale|"
    r"methods?|design|setting|participants|patients|interventions?|main outcome measures?|"
    r"materials and methods|patients and methods|research design and methods|"
    r"study design|settings and design|results?|findings|conclusions?|"
    r"conclusions and relevance|interpretation|trial registration|limitations|"
    r"statistical analysis( used)?|subjects and methods|background and (aims|objectives))\b",
    re.IGNORECASE,
)
_ABSTRACT_NAME = re.compile(r"(abstract|summary)\b", re.IGNORECASE)
_RUN_IN_END = (".", ":", "\u2014", "\u2013")
_BARE_NUMBER = re.compile(r"(?:\d{1,2}\.)*\d{1,2}\.?")
_SMALL_CAPS = re.compile(r"small-?caps|[-+,_]sc\b", re.IGNORECASE)
# Supporting-information entries ("S1 Table. ...", "S2 Fig", "S1 CONSORT Checklist.",
# "S1 Protocol.") are captions of files outside the paper, not sections.
_SUPPLEMENT_ITEM = re.compile(
    r"^S\d+\s+(\w+\s+)?(table|fig|figure|file|text|data|dataset|appendix|video|checklist|"
    r"protocol|material|information|movie|audio|code|document|methods?)\b"
    # or any title after an S-number with a period ("S1. Hazard presence, relevance ...")
    r"|^S\d{1,2}[.:]\s+\S",
    re.I,
)
# what follows a journal's name and volume in a reference entry ("Am J Trop Med Hyg
# 71: 715-722.", "PLoS ONE 9: e94074."): pages or an article number, nothing else
_PAGES = re.compile(r"e?\d+(?:\s*[-\u2013]\s*\d+)?\.?")
# a line ending in an article, a preposition or a linking verb goes on in the next one:
# a sentence's first line ("The members of the PERATECS group are"), not a title
_OPEN_END = frozenset({"the", "a", "an", "of", "to", "with", "by", "are", "is", "was", "were"})
_MAX_WORDS = 18
_ABBREVIATION = re.compile(r"[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+)*")
# A sentence end, possibly followed by citation marks or closing brackets ("...trial.12",
# "...[4]."): the next line opens a new unit even inside one MuPDF block.
_SENTENCE_END = re.compile(r"[.:?!][\s\d\[\]()\u2013,-]*$")
# An author-year reference entry: a surname with initials and a year ("Aberham M,
# Balakrishnan M, Gurja B. 2017a"), which some layouts set in bold like a heading.
_REFERENCE_ENTRY = re.compile(
    r"^\W*[A-Z][\w'\u2019-]+,?\s+(?:[A-Z]{1,3}|(?:[A-Z]\.\s?){1,3})\b.*[,.].*\b(?:19|20)\d\d[a-z]?\b"
)


@dataclass(frozen=True)
class HeadingRules:
    """Which generalisations of the style cues are on (all by default). Each can be
    switched off to measure what it adds (bench/parse_quality.py --ablation)."""

    paragraph_starts: bool = True  # a heading may open a unit after a citation-marked end
    italic: bool = True  # italic lines and italic run-in labels, gated by numbering/recurrence
    numbering: bool = True  # a numbered heading continuing an accepted number is kept
    reference_guard: bool = True  # no headings from reference-list entries


ALL_RULES = HeadingRules()
_NO_ITALIC = HeadingRules(italic=False)


# slots: made and read a little faster without a __dict__ (see Line)
@dataclass(slots=True)
class Heading:
    lines: list[Line]
    text: str
    level: int
    rest: str = ""  # body text that follows a run-in heading on its first line
    weak: bool = False  # only italic sets it apart: kept when numbered or its style recurs
    face: str = ""  # the font of a run-in label (the line's own font is the body's)

    @property
    def page(self) -> int:
        return self.lines[0].page


# slots: see Heading
@dataclass(slots=True)
class BodyStyle:
    size: float
    bold: bool
    font: str = ""
    font_share: dict[str, float] | None = None
    italic: bool = False
    # `_marked` of a face that is not bold, by (font, italic): asked for every span of
    # most lines, and a paper sets its text in a handful of faces
    marked_faces: dict[tuple[str, bool], bool] = field(
        default_factory=dict, repr=False, compare=False
    )

    def rare_font(self, font: str) -> bool:
        # Obfuscated font names ("AdvP6EC5") hide bold flags; a heading font is then
        # recognised only by being different from, and much rarer than, the body font.
        return font != self.font and (self.font_share or {}).get(font, 0.0) < 0.03


def body_style(blocks: list[Block]) -> BodyStyle:
    # plain dicts, not Counters (a corpus adds ~5x10^5 spans): `_most` keeps the first of
    # equal weights, as `Counter.most_common` does. Characters are summed per (size, bold,
    # italic) first and split up after: each part then enters its dict where the first
    # line that has it would have put it, so ties break as before
    styles: dict[tuple[float, bool, bool], int] = {}
    fonts: dict[str, int] = {}
    for block in blocks:
        for line in block.lines:
            key = (line.size, line.bold, line.italic)
            styles[key] = styles.get(key, 0) + len(line.text)
            spans = line.spans
            if len(spans) == 1:  # most lines: no loop
                font = spans[0].font
                fonts[font] = fonts.get(font, 0) + len(spans[0].text)
                continue
            for span in spans:
                fonts[span.font] = fonts.get(span.font, 0) + len(span.text)
    sizes: dict[float, int] = {}
    bold: dict[bool, int] = {}
    italic: dict[bool, int] = {}
    for (line_size, line_bold, line_italic), n in styles.items():
        size = round(line_size * 2) / 2
        sizes[size] = sizes.get(size, 0) + n
        bold[line_bold] = bold.get(line_bold, 0) + n
        italic[line_italic] = italic.get(line_italic, 0) + n
    total = sum(fonts.values()) or 1
    return BodyStyle(
        size=_most(sizes) if sizes else 10.0,
        bold=_most(bold) if bold else False,
        font=_most(fonts) if fonts else "",
        font_share={font: n / total for font, n in fonts.items()},
        italic=_most(italic) if italic else False,
    )


_K = TypeVar("_K")


def _most(weights: dict[_K, int]) -> _K:
    return max(weights, key=weights.__getitem__)


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text).strip()


def section_number(text: str) -> str | None:
    """The arabic section number a heading opens with ("2.1.3"), if any."""
    match = _NUMBERING.match(text)
    return match.group(1) if match and match.group(1) else None


def numbering_depth(text: str) -> int | None:
    match = _NUMBERING.match(text)
    if not match:
        return None
    if match.group(1):
        return match.group(1).count(".") + 1
    return 1


def is_known_name(text: str) -> bool:
    return bool(_KNOWN.match(strip_numbering(text)))


def _known_alone(text: str) -> bool:
    """The line is a known section name and nothing else ("Abbreviations")."""
    name = strip_numbering(text).rstrip(" .:")
    match = _KNOWN.match(name)
    return bool(match and match.end() == len(name))


def opens_body(text: str) -> bool:
    """A known section name other than the abstract's own ("Introduction", "Methods"):
    the body of the paper has begun once one is a heading."""
    return is_known_name(text) and not _ABSTRACT_NAME.match(strip_numbering(text))


def _plausible_text(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    words = text.split()
    return (
        letters >= 3
        and len(words) <= _MAX_WORDS
        and len(text) <= 160
        and digits <= max(3, 0.2 * len(text))
        and not text.endswith((",", ";", "-"))
        and not is_caption(text)
        and not _SUPPLEMENT_ITEM.match(text)
        and not (text.startswith("(") and text.endswith(")"))  # "(DOCX)", "(continued)"
        and (not re.match(r"^[\W\d]", text.lstrip("(")) or bool(numbering_depth(text)))
    )


def _style_key(line: Line) -> tuple:
    caps = _is_caps(line.text)
    return (round(line.size * 2) / 2, line.bold, line.italic and not line.bold, caps, line.font)


def style_of(heading: Heading) -> tuple:
    return (*_style_key(heading.lines[0]), bool(heading.rest))


def _is_caps(text: str) -> bool:
    # a lower-case letter anywhere, or no cased letter at all, rules it out (numbering has
    # no lower-case letter): most lines end here, without the numbering stripped
    if not text.isupper():
        return False
    letters = [c for c in strip_numbering(text) if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _distinct(line: Line, body: BodyStyle, rules: HeadingRules = ALL_RULES) -> bool:
    if line.size >= body.size + 0.9:
        return True
    if line.size < body.size - 1.0:
        # table cells and footnotes are set smaller; back matter too, whose headings
        # ("Abbreviations", "Acknowledgements") are known names in a marked face
        # (cheap tests first: most such lines are table numbers or long footnotes)
        return (
            line.text[:1].isalpha()
            and len(line.text) <= 40
            and _known_alone(line.text)
            and all(_marked(s, body) for s in line.spans if s.text.strip())
        )
    if line.bold and not body.bold:
        return True
    if _is_caps(line.text) and line.size >= body.size - 0.6:
        return True
    if rules.italic and _italic_label(line, body):
        return True
    return all(_marked(s, body) for s in line.spans if s.text.strip())


def _marked(span: Span, body: BodyStyle) -> bool:
    """Bold, small capitals, or set in a rare font that is not merely the italic of the
    body face (the rare-font cue is for obfuscated font names that hide the bold flag;
    italic is judged on its own, see `_keep_recurring`)."""
    if span.bold:
        return True
    face = (span.font, span.italic)
    marked = body.marked_faces.get(face)
    if marked is None:
        marked = body.marked_faces[face] = bool(_SMALL_CAPS.search(span.font)) or (
            body.rare_font(span.font) and not span.italic
        )
    return marked


def _italic_label(line: Line, body: BodyStyle) -> bool:
    return line.italic and not body.italic and not line.bold


def heuristic_headings(
    blocks: list[Block], body: BodyStyle, skip: set[int], rules: HeadingRules = ALL_RULES
) -> list[Heading]:
    """Headings found from style; lines whose id is in `skip` (title, authors) never count."""
    rows = _RowIndex(blocks)
    found: list[Heading] = []
    caption: Line | None = None  # the last line of a caption, while its print goes on
    heading_end: Line | None = None  # the last line of the last own-line heading
    for block in blocks:
        if block.kind != "text":
            continue
        i = 0
        while i < len(block.lines):
            line = block.lines[i]
            if is_caption(line.text):
                caption = line
            elif caption is not None and not _caption_goes_on(caption, line):
                caption = None
            elif caption is not None:
                caption = line  # "Table 3. Adverse events ..." + "in Any Group, ..."
                i += 1
                continue
            # a heading's own line ends its unit: a subheading in another style may
            # follow it at line spacing ("Statistical analysis" + "Sample size
            # calculation"); more lines in its style are the heading's (or bold text)
            starts_unit = (
                i == 0
                or (
                    block.lines[i - 1] is heading_end
                    and _style_key(line) != _style_key(heading_end)
                    and not line.text[:1].islower()
                )
                or _ends_paragraph(block.lines[i - 1], line, block, rules)
            )
            if id(line) in skip or not starts_unit:
                i += 1
                continue
            if (
                _distinct(line, body, rules)
                and _plausible_text(line.text)
                and not rows.in_table(line)
            ):
                group = [line]
                while (
                    i + len(group) < len(block.lines)
                    and _style_key(block.lines[i + len(group)]) == _style_key(line)
                    and len(group) < 3
                ):
                    group.append(block.lines[i + len(group)])
                text = normalise_space(" ".join(g.text for g in group))
                k = i + len(group)
                if (
                    _plausible_text(text)
                    and not _is_sentence(text)
                    and text.rsplit(None, 1)[-1].lower() not in _OPEN_END
                    and not _sentence_goes_on(
                        group[-1], block.lines[k] if k < len(block.lines) else None
                    )
                ):
                    weak = not _distinct(line, body, _NO_ITALIC)
                    if not weak or _italic_heading_text(text):
                        k = i + len(group)
                        nxt = block.lines[k] if k < len(block.lines) else None
                        tail = _label_tail(group, nxt, body)
                        if tail is not None:  # a run-in label set over two lines
                            text = f"{text} {tail.text}"
                            group, rest = [*group, block.lines[k]], tail.rest
                        else:
                            rest = ""
                        found.append(Heading(lines=group, text=text, level=0, rest=rest, weak=weak))
                        heading_end = None if rest else group[-1]
                        i += len(group)
                        continue
            # a run-in label in a side column labels article information ("Data
            # Availability Statement: ...", "Funding: ..." in a PLOS side box)
            run_in = None if block.aside else _run_in(line, body, rules)
            if run_in and not rows.in_table(line):
                found.append(run_in)
            i += 1
    found = [
        h
        for h in found
        if not _NOT_SECTIONS.match(strip_numbering(h.text)) and not _glossary_entry(h)
    ]
    found = _keep_recurring(found)
    _assign_levels(found)
    return found


def _sentence_goes_on(last: Line, nxt: Line | None) -> bool:
    """The next line, right below at line spacing, goes on in lower case after a line
    that ended no sentence: the lines are a paragraph (a bold abstract), not a title."""
    if nxt is None or not nxt.text[:1].islower() or last.text.rstrip().endswith(_RUN_IN_END):
        return False
    height = max(1.0, last.bbox[3] - last.bbox[1])
    return nxt.page == last.page and -0.3 * height <= nxt.bbox[1] - last.bbox[3] <= 0.6 * height


def _label_tail(group: list[Line], line: Line | None, body: BodyStyle) -> Heading | None:
    """The end of a run-in label that fills its first line(s): `line` opens with the rest
    of the label in the same face, closed by a period or colon, and the paragraph goes
    on after it ("3.4. Changes in Risk Factors, Metabolic" + "*Syndrome, and Exercise
    Capacity.* At 12 months ...")."""
    last = group[-1]
    if line is None or last.text.rstrip().endswith(_RUN_IN_END):
        return None
    tail = _run_in(line, body)
    if tail is None or tail.face != last.font or not _style_key(last)[2]:
        return None  # only an italic label goes on this way; a bold line is its own
    return tail


def join_wrapped(headings: list[Heading]) -> list[Heading]:
    """A heading that wraps onto a line MuPDF put in a block of its own comes out as two
    headings in one style, the second right below the first at line spacing
    ("Predefined Laboratory Abnormality" + "Criteria"): one heading."""
    out: list[Heading] = []
    for heading in headings:
        prev = out[-1] if out else None
        if prev is not None and _wraps_into(prev, heading):
            prev.text = normalise_space(f"{prev.text} {heading.text}")
            prev.lines.extend(heading.lines)
            prev.rest = heading.rest
            continue
        out.append(heading)
    return out


def _wraps_into(first: Heading, second: Heading) -> bool:
    last, line = first.lines[-1], second.lines[0]
    height = max(1.0, last.bbox[3] - last.bbox[1])
    return (
        not first.rest
        and line.page == last.page
        and _style_key(line) == _style_key(last)
        and 0 <= line.bbox[1] - last.bbox[3] <= 0.6 * height
        and abs(line.bbox[0] - last.bbox[0]) <= 2 * height
        and not first.text.rstrip().endswith((".", ":", "?", "!"))
        and not section_number(second.text)
    )


def _glossary_entry(heading: Heading) -> bool:
    """An unnumbered run-in label that is one abbreviation ("AAQ-II: Acceptance and Action
    Questionnaire", "CVD. ..."): an entry of an abbreviation list, not a section."""
    return bool(
        heading.rest
        and not section_number(heading.text)
        and _ABBREVIATION.fullmatch(heading.text.strip())
        and not is_known_name(heading.text)
    )


def _caption_goes_on(caption: Line, line: Line) -> bool:
    """`line` is the next line of the caption ending in `caption`: same page and print,
    right below it and within its width, and the caption's line did not end its sentence."""
    height = max(1.0, caption.bbox[3] - caption.bbox[1])
    return (
        line.page == caption.page
        and _style_key(line) == _style_key(caption)
        and -0.3 * height <= line.bbox[1] - caption.bbox[3] <= 0.6 * height
        # flush left under it, or centred under it
        and caption.bbox[0] - 2 * height <= line.bbox[0]
        and line.bbox[2] <= caption.bbox[2] + 2 * height
        and not caption.text.rstrip().endswith(".")
    )


def _italic_heading_text(text: str) -> bool:
    # italic own-line labels read like titles: capitalised, no closing period
    return strip_numbering(text)[:1].isupper() and not text.endswith(".")


def _keep_recurring(found: list[Heading]) -> list[Heading]:
    """Italic is also how papers set quotes, species names and emphasis: an italic-only
    label is a heading when numbered or when its style recurs (a heading style serves
    several headings; emphasis rarely repeats the same shape at a paragraph start)."""
    styles = Counter((style_of(h), h.face) for h in found if h.weak)
    return [
        h
        for h in found
        if not h.weak or numbering_depth(h.text) or styles[(style_of(h), h.face)] >= 2
    ]


class _RowIndex:
    """Lines that share their baseline with a line not starting at a text column's left
    edge are table cells (column neighbours of a heading start at their column edge)."""

    def __init__(self, blocks: list[Block]) -> None:
        self.by_page: dict[int, list[Line]] = {}
        for block in blocks:  # a block's lines are on its page
            self.by_page.setdefault(block.page, []).extend(block.lines)
        # a page's column edges and text width, made when a line of it is first asked
        # about (pages without a heading candidate never need them)
        self.edges: dict[int, list[float]] = {}
        self.span: dict[int, float] = {}

    def _measure(self, page: int) -> None:
        lines = self.by_page[page]
        span = max(ln.bbox[2] for ln in lines) - min(ln.bbox[0] for ln in lines)
        starts = Counter(
            round(ln.bbox[0] / 2) * 2 for ln in lines if ln.bbox[2] - ln.bbox[0] > 0.2 * span
        )
        self.edges[page] = [x for x, n in starts.items() if n >= 3]
        self.span[page] = span

    def in_table(self, line: Line) -> bool:
        x0, y0, x1, y1 = line.bbox
        height = max(1.0, y1 - y0)
        if line.page not in self.edges:
            self._measure(line.page)
        edges = self.edges[line.page]
        starts_column = any(abs(x0 - edge) <= 3 for edge in edges)
        at_edge = starts_column and x0 > min(edges, default=x0)
        # where the next text column starts, if this line opens one before it
        span = self.span[line.page]
        later = [e for e in edges if e > x1 and e > x0 + 0.3 * span] if starts_column else []
        next_column = min(later, default=float("inf"))
        for other in self.by_page[line.page]:
            if other is line or (other.bbox[0] < x1 and x0 < other.bbox[2]):
                continue
            if other.bbox[2] - other.bbox[0] > 0.3 * self.span[line.page]:
                continue  # a text line of the other column (an indented first line)
            if at_edge and other.bbox[2] <= x0 - 5:
                continue  # anything in the column before, even a table, is not this row
            if other.bbox[0] + 3 >= next_column:
                continue  # nor anything in the next text column (a table there)
            overlap = min(y1, other.bbox[3]) - max(y0, other.bbox[1])
            if overlap < 0.5 * height:
                continue
            if not any(abs(other.bbox[0] - edge) <= 3 for edge in edges):
                return True
        return False


def _is_abstract(heading: Heading) -> bool:
    return bool(_ABSTRACT_NAME.fullmatch(heading.text.strip(" .:")))


def _abstract_at(headings: list[Heading]) -> int | None:
    """Where the abstract's heading is: before the body's first section (a "Summary"
    after it closes the paper)."""
    for i, heading in enumerate(headings):
        if _is_abstract(heading):
            return i
        if opens_body(heading.text):
            return None
    return None


def ensure_abstract(headings: list[Heading], blocks: list[Block], skip: set[int]) -> list[Heading]:
    """Give the abstract its "Abstract" heading when the PDF prints none: a structured
    abstract opening with a label on page 1, else the first long paragraph before the
    first heading on page 1."""
    if _abstract_at(headings) is not None:
        return headings
    labels = 0
    for h in headings:
        if h.page != 1 or not _ABSTRACT_PARTS.match(h.text) or style_of(h) != style_of(headings[0]):
            break
        labels += 1
    # a structured abstract without its own label: two or more part labels open page 1
    if labels >= 2:
        first = headings[0]
        rest = normalise_space(first.text + " " + first.rest) if first.rest else first.text
        if len(first.lines) == 1:
            abstract = Heading(lines=first.lines, text="Abstract", level=1, rest=rest)
            return [abstract, *headings]  # the label itself is folded away later
    first_heading = {id(line) for h in headings[:1] for line in h.lines}
    for block in blocks:
        if block.page > 1 or any(id(line) in first_heading for line in block.lines):
            break
        if block.kind != "text" or any(id(line) in skip for line in block.lines):
            continue
        words = sum(len(line.text.split()) for line in block.lines)
        if words >= 60 and not is_caption(block.lines[0].text):
            line = block.lines[0]
            rest = re.sub(r"^(abstract|summary)\b[\s.:\u2014\u2013-]*", "", line.text, flags=re.I)
            return [Heading(lines=[line], text="Abstract", level=1, rest=rest), *headings]
    return headings


def fold_abstract_parts(headings: list[Heading]) -> list[Heading]:
    """Structured-abstract labels (Background, Methods, ... right after "Abstract") are
    part of the abstract, not sections: drop them until the labels stop (style change
    or a repeated label, e.g. the body's own "Background")."""
    start = _abstract_at(headings)
    if start is None or start + 1 >= len(headings):
        return headings
    first = headings[start + 1]
    if not _ABSTRACT_PARTS.match(strip_numbering(first.text)):
        return headings
    style = style_of(first)
    # labels also used for body sections ("Discussion") mark the body's heading style
    body_styles = {
        style_of(h)
        for h in headings[start + 1 :]
        if re.match(r"(discussion|acknowledg|references)", strip_numbering(h.text), re.I)
    }
    if style in body_styles:
        return headings
    seen: set[str] = set()
    end = start + 1
    while end < len(headings):
        h = headings[end]
        name = strip_numbering(h.text).lower()
        if style_of(h) != style or name in seen or h.page > headings[start].page + 1:
            break
        if not _ABSTRACT_PARTS.match(name) and not _NOT_SECTIONS.match(name):
            break
        seen.add(name)
        end += 1
    return headings[: start + 1] + headings[end:]


def _ends_paragraph(prev: Line, line: Line, block: Block, rules: HeadingRules) -> bool:
    # a sentence end closes what comes before a heading inside one MuPDF block
    text = prev.text.rstrip()
    if text.endswith((".", ":", "?", "!")):
        return True
    if not rules.paragraph_starts:
        return False
    # ... also when citation marks follow it, or when a gap wider than the line spacing
    # separates the two
    height = max(1.0, line.bbox[3] - line.bbox[1])
    gap = line.bbox[1] - prev.bbox[3]
    return bool(_SENTENCE_END.search(text)) or gap > 0.6 * height


def _is_sentence(text: str) -> bool:
    words = text.split()
    return text.endswith(".") and len(words) > 8 and not numbering_depth(text)


def _run_in(line: Line, body: BodyStyle, rules: HeadingRules = ALL_RULES) -> Heading | None:
    """A label in a distinct face opening a paragraph and ending in a period or colon,
    with the paragraph's text following on the same line."""
    if body.bold:
        return None
    spans = line.spans

    def labelled(span: Span) -> bool:
        return _marked(span, body) or (rules.italic and span.italic and not body.italic)

    prefix = ""
    k = 0
    # the section number may be set in the body face before the label ("2.1. *Chemicals.*")
    first = 0  # a loop, not next() over a generator: this runs for most lines
    while first < len(spans) and not spans[first].text.strip():
        first += 1
    if first == len(spans):
        return None  # no text
    numbered = _BARE_NUMBER.fullmatch(spans[first].text.strip())
    if not numbered and not labelled(spans[first]):
        return None  # most lines: they open in the body face, no label
    if numbered:
        prefix = "".join(span.text for span in spans[: first + 1])
        k = first + 1
    start = k
    # whitespace spans often come in another font: they neither start nor end the label
    while k < len(spans) and (not spans[k].text.strip() or labelled(spans[k])):
        prefix += spans[k].text
        k += 1
    if k == len(spans) or not "".join(span.text for span in spans[start:k]).strip():
        return None  # no label in a distinct face, or no paragraph text after it
    label = normalise_space(prefix)
    if len(label.split()) > 10:
        return None
    if not label.endswith(_RUN_IN_END) and not re.fullmatch(r"abstract|summary", label, re.I):
        return None
    text = label.rstrip(".:\u2014\u2013 ").strip()
    if not _plausible_text(text) or len(text) < 3:
        return None
    rest = normalise_space("".join(s.text for s in spans[k:]))
    if text[-1:].isdigit() and _PAGES.fullmatch(rest):
        return None  # a journal and volume in a distinct face, then pages: a reference
    italic_only = not any(_marked(s, body) for s in spans[:k] if s.text.strip())
    if italic_only and not (rest[:1].isupper() or rest[:1].isdigit()):
        return None  # emphasis inside a sentence, not a label before a new one
    face = next(span.font for span in spans[start:k] if span.text.strip())
    return Heading(lines=[line], text=text, level=0, rest=rest, weak=italic_only, face=face)


def _assign_levels(headings: list[Heading]) -> None:
    first_seen: dict[tuple, int] = {}
    for i, heading in enumerate(headings):
        first_seen.setdefault(style_of(heading), i)
    # run-in last, then larger, capitals, bold, upright, and earlier-seen styles first
    styles = sorted(
        first_seen,
        key=lambda k: (k[5], -k[0], not k[3], not k[1], k[2], first_seen[k]),
    )
    rank = {key: i for i, key in enumerate(styles)}
    known = [
        rank[style_of(h)] for h in headings if _KNOWN.match(strip_numbering(h.text)) and not h.rest
    ]
    top = min(known) if known else 0
    for heading in headings:
        depth = numbering_depth(heading.text)
        key = style_of(heading)
        heading.level = depth if depth else max(1, min(rank[key] - top + 1, 3))


def outline_headings(
    blocks: list[Block], toc: list[list], skip: set[int], body: BodyStyle
) -> list[Heading]:
    """Place the PDF outline entries on their lines; entries not found are dropped.

    An entry may match a whole line (continued on following lines in the same style,
    since outlines often truncate long titles) or the start of a line (a run-in heading).
    """
    # each line is tried against every entry of its page and the pages beside it: what is
    # compared (its normalised texts from one, two, three lines; its folded case) is made
    # once per line, on first need
    by_page: dict[int, list[_Candidate]] = {}
    for block in blocks:
        if block.kind != "text":
            continue
        for i, _line in enumerate(block.lines):
            by_page.setdefault(block.page, []).append(_Candidate(block, i))
    min_level = min((entry[0] for entry in toc), default=1)
    found: list[Heading] = []
    used: set[int] = set()
    for entry in toc:
        # some producers write titles with XML character references ("&#x02018;")
        title = normalise_space(clean_chars(html.unescape(entry[1])))
        level, page = entry[0], entry[2]
        want = _norm(strip_numbering(title))
        if not want or _NOT_SECTIONS.match(want) or is_caption(title):
            continue
        if len(want.split()) > 2 * _MAX_WORDS:
            continue  # a paragraph (acknowledgements) bookmarked as an entry, not a title
        run_in = _RunIn(want)
        room = len(want) + 5
        heading = None
        for candidate_page in (page, page + 1, page - 1):
            for candidate in by_page.get(candidate_page, []):
                line = candidate.block.lines[candidate.i]
                if id(line) in used or id(line) in skip:
                    continue
                texts, folded = candidate.texts, candidate.folded
                if (
                    texts
                    and folded is not None
                    and len(texts[0]) > room
                    and texts[0] != want
                    and not (len(want) > 12 and _may_match(len(texts[0]), len(want)))
                    and run_in.first not in folded
                ):
                    # what `_locate` finds for most lines once it has made their texts,
                    # without the calls: the first line neither matches the title nor
                    # leaves room for it (`_match_lines`), and the title's first word is
                    # nowhere in it (`_RunIn.match`)
                    continue
                heading = _locate(candidate, want, run_in, body)
                if heading:
                    break
            if heading:
                break
        if not heading:
            continue
        used.update(id(line) for line in heading.lines)
        heading.level = level - min_level + 1
        found.append(heading)
    return found


# slots: see Heading
@dataclass(slots=True)
class _Candidate:
    """A line an outline entry may stand on, with what it is compared by, made once."""

    block: Block
    i: int
    texts: list[str] = field(default_factory=list)  # normalised: 1, 2, 3 lines from it
    folded: str | None = None  # the line's text in lower case, "ı" and "ſ" as "i" and "s"


def _locate(candidate: _Candidate, want: str, run_in: _RunIn, body: BodyStyle) -> Heading | None:
    block, i = candidate.block, candidate.i
    group = _match_lines(block, i, want, candidate.texts)
    if group:
        j = i + len(group)
        tail = _title_tail(group, candidate.texts[len(group) - 1], want, block, j)
        if tail is not None:
            return tail
        style = _style_key(group[0])
        while (
            j < len(block.lines)
            and len(group) < 3
            and _style_key(block.lines[j]) == style
            and _distinct(block.lines[j], body)
        ):
            group.append(block.lines[j])
            j += 1
        return Heading(
            lines=group, text=normalise_space(" ".join(ln.text for ln in group)), level=0
        )
    line = block.lines[i]
    match = run_in.match(line.text, candidate)
    if not match:
        return None
    rest = line.text[match.end() :]
    if rest[:1].isalnum():
        return None  # a word that merely starts like the title
    if next((c for c in match.group(0) if c.isalnum()), "").islower():
        return None  # a sentence going on ("patients. Secondary aims ..."), not a title
    return Heading(
        lines=[line], text=match.group(0).strip(), level=0, rest=rest.lstrip(" .:\u2014\u2013")
    )


def _title_tail(group: list[Line], printed: str, want: str, block: Block, j: int) -> Heading | None:
    """A run-in heading whose title fills its first line and ends on the next, before
    the paragraph's text ("4.2. Muscle Strength as Evaluated with Handgrip Dynamome-" +
    "try. In a subgroup ..."): the lines matched only close to the whole title, and the
    next line opens with the words that are missing."""
    if j >= len(block.lines) or printed == want or not want.startswith(printed):
        return None
    missing = want[len(printed) :]
    line = block.lines[j]
    words = missing.split()
    match = re.match(r"\W*" + r"\W+".join(map(re.escape, words)) + r"\b", line.text, re.I)
    if not words or match is None:
        return None
    head = normalise_space(" ".join(ln.text for ln in group))
    # a word broken at the line end ("Dynamome-" + "try") joins without its hyphen
    glue = "" if not missing.startswith(" ") and head.endswith("-") else " "
    text = (head.rstrip("-") if not glue else head) + glue + match.group(0).strip()
    rest = line.text[match.end() :].lstrip(" .:\u2014\u2013")
    return Heading(lines=[*group, line], text=text, level=0, rest=normalise_space(rest))


class _RunIn:
    """An outline title at the start of a line, a run-in heading ("Methods. We ..."). The
    pattern is compiled the first time a line holds the title's first word: compiling
    one per outline entry cost more than all the matching."""

    def __init__(self, want: str) -> None:
        self.want = want
        self.first = want.split()[0]
        self.pattern: re.Pattern[str] | None = None

    def match(self, text: str, candidate: _Candidate) -> re.Match[str] | None:
        if candidate.folded is None:
            # case-insensitive matching also takes "ı" for "i" and "ſ" for "s"
            candidate.folded = text.lower().replace("\u0131", "i").replace("\u017f", "s")
        at = candidate.folded.find(self.first)
        if at < 0:
            return None
        # the pattern lets only non-word characters and a number (digits, I, V, X) stand
        # before the title: any other letter there rules the line out, without compiling
        # the pattern (compiling one cost more than the rest of the outline matching)
        if at and any(c.isalpha() and c not in "ivx" for c in candidate.folded[:at]):
            return None
        if self.pattern is None:
            self.pattern = re.compile(
                r"^\W*(?:[\dIVX]+(?:\.\d+)*\.?\s*)?"
                + r"\W+".join(re.escape(word) for word in self.want.split()),
                re.IGNORECASE,
            )
        return self.pattern.match(text)


def _match_lines(block: Block, i: int, want: str, texts: list[str]) -> list[Line] | None:
    for j in range(i, min(i + 3, len(block.lines))):
        if len(texts) == j - i:  # made on first need, kept for the next entries
            before = texts[-1] if texts else ""
            # stripped, not `normalise_space`d: numbering takes any run of spaces, and
            # `_norm` makes every run of them one space
            texts.append(_norm(strip_numbering((before + " " + block.lines[j].text).strip())))
        text = texts[j - i]
        if text == want or (
            len(want) > 12 and _may_match(len(text), len(want)) and fuzz.ratio(text, want) >= 92
        ):
            return block.lines[i : j + 1]
        if len(text) > len(want) + 5:
            return None
    return None


def _may_match(a: int, b: int) -> bool:
    """Whether texts of these lengths may reach `fuzz.ratio` 92: the ratio is at most
    100 * (1 - |a - b| / (a + b)) (each extra character is an edit). Checked against 91.9
    in whole numbers, so no rounding can rule out a pair that reaches 92; most lines are
    far longer than a heading and skip the comparison."""
    return 1000 * (a + b - abs(a - b)) >= 919 * (a + b)


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _norm(text: str) -> str:
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def drop_reference_entries(headings: list[Heading]) -> list[Heading]:
    """Reference entries set in bold (author-year lists) are not sections: drop headings
    that read like an entry, and after the reference-list heading those in a style never
    used before it that repeats there (the entries' own style)."""
    kept = [h for h in headings if not _REFERENCE_ENTRY.match(h.text)]
    start = next(
        (i for i, h in enumerate(kept) if REFERENCE_HEADING.match(normalise_space(h.text))), None
    )
    if start is None:
        return kept
    before = {style_of(h) for h in kept[: start + 1]}
    after = Counter(style_of(h) for h in kept[start + 1 :])
    return kept[: start + 1] + [
        h
        for h in kept[start + 1 :]
        if style_of(h) in before or after[style_of(h)] < 3 or is_known_name(h.text)
    ]


def continues_numbering(heading: Heading, numbers: set[str]) -> bool:
    """A numbered heading whose parent number ("2.2" for "2.2.1") is already a heading:
    outlines often stop a level or two above the deepest numbered headings."""
    number = section_number(heading.text)
    return bool(number and "." in number and number.rsplit(".", 1)[0] in numbers)
