"""Title, authors, year and DOI from the first page (and the PDF's info dictionary)."""

from __future__ import annotations

import re
from collections import Counter

from extractor.document import Metadata
from extractor.pdf.headings import is_known_name
from extractor.pdf.layout import Block, Line
from extractor.pdf.text import clean_chars, has_letters, normalise_space

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>,;]+)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_YEAR_CUES = re.compile(r"(©|copyright|published|accepted|received|online|\(c\))", re.IGNORECASE)
_PLACEHOLDER_TITLE = re.compile(
    r"^(untitled|microsoft word|document\d*|.*\.(docx?|pdf|tex|dvi)|[A-Z]{2,}[-_ ]?\d+.*\.\..*)$",
    re.IGNORECASE,
)
_NOT_AUTHOR = re.compile(
    r"(universit|department|hospital|institute|school|college|centre|center|abstract|"
    r"correspond|received|@|http|journal|vol\.|doi|open access|research article|"
    r"original article|\d{4})",
    re.IGNORECASE,
)


def extract_metadata(
    first_page: list[Block], info: dict[str, str], full_text_head: str
) -> tuple[Metadata, set[int]]:
    """Metadata plus the ids of the title and author lines (never section headings)."""
    title_lines = _title_lines(first_page)
    title = normalise_space(" ".join(line.text for line in title_lines)) or None
    info_title = normalise_space(info.get("title") or "")
    if _good_info_title(info_title, full_text_head):
        title = info_title
    author_lines = _author_lines(first_page, title_lines)
    authors = _split_authors(" ".join(line.text for line in author_lines))
    if not authors and info.get("author"):
        authors = _split_authors(clean_chars(info["author"]))  # BOMs, odd spaces
    skip = {id(line) for line in title_lines + author_lines}
    doi_match = _DOI.search(full_text_head) or _DOI.search(info.get("subject") or "")
    doi = doi_match.group(1).rstrip(".)]") if doi_match else None
    return Metadata(title=title, authors=authors, year=_year(full_text_head, info), doi=doi), skip


def _good_info_title(title: str, head: str) -> bool:
    if len(title.split()) < 3 or _PLACEHOLDER_TITLE.match(title):
        return False
    squash = re.sub(r"\W+", "", title.lower())[:40]
    return squash in re.sub(r"\W+", "", head.lower())


def _title_lines(blocks: list[Block]) -> list[Line]:
    """The largest-font text in the upper part of page 1 (consecutive lines)."""
    candidates = [
        line
        for block in blocks
        if block.kind == "text"
        for line in block.lines
        if has_letters(line.text, 3) and not is_known_name(line.text)
    ]
    if not candidates:
        return []
    page_bottom = max(line.bbox[3] for line in candidates)
    upper = [line for line in candidates if line.bbox[1] < page_bottom * 0.6]
    if not upper:
        return []
    biggest = max(round(line.size, 1) for line in upper)
    title = [line for line in upper if round(line.size, 1) == biggest]
    # keep the first run of title-size lines that sit close together
    run = [title[0]]
    for line in title[1:]:
        if line.bbox[1] - run[-1].bbox[3] < line.size * 1.5:
            run.append(line)
        else:
            break
    if len(" ".join(line.text for line in run).split()) < 2:
        return []
    return run


def _author_lines(blocks: list[Block], title_lines: list[Line]) -> list[Line]:
    if not title_lines:
        return []
    lines = [line for block in blocks if block.kind == "text" for line in block.lines]
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    bottom = title_lines[-1].bbox[3]
    # by the line's middle: superscript marks stretch an author line's box up into the title's
    after = [
        line
        for line in lines
        if (line.bbox[1] + line.bbox[3]) / 2 >= bottom - 1 and line not in title_lines
    ]
    picked: list[Line] = []
    for line in after[:4]:
        if _NOT_AUTHOR.search(line.text) or line.text.endswith("."):
            break
        if not re.search(r"[A-Z][a-z]+", line.text):
            break
        picked.append(line)
        if len(picked) == 2:
            break
    return picked


def _split_authors(text: str) -> list[str]:
    text = re.sub(r"[\d*†‡§¶#,]+(?=\s*(,|and\b|&|$))", "", text)  # affiliation marks
    parts = re.split(r",|;|\band\b|&|\u2022|\u00b7", text)  # bullets separate names too
    authors = []
    for part in parts:
        name = normalise_space(re.sub(r"[\d*†‡§¶#]+", "", part)).strip(" .")
        if 2 <= len(name.split()) <= 5 and not _NOT_AUTHOR.search(name):
            authors.append(name)
    return authors


def _year(head: str, info: dict[str, str]) -> int | None:
    cued = [
        int(m.group(1))
        for line in head.splitlines()
        if _YEAR_CUES.search(line)
        for m in _YEAR.finditer(line)
    ]
    if cued:
        return max(cued)
    # a journal line on page 1 ("Journal of X (2024)", "2012; 36: 47-54") usually dates it
    seen = Counter(int(m.group(1)) for m in _YEAR.finditer(head))
    if seen:
        top = max(seen.values())
        return max(year for year, n in seen.items() if n == top)
    date = info.get("creationDate") or ""
    match = re.match(r"D:(\d{4})", date)
    if match:
        return int(match.group(1))
    return None
