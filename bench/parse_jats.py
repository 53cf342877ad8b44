"""Ground truth from the publisher's JATS XML: headings, body words, table numbers.

Shared by the parse benchmarks. Gold headings are every titled section of the body
and back matter (all levels, incl. acknowledgements, glossary and the reference list)
plus "Abstract". Neutral (neither right nor wrong when predicted): titles of
structured-abstract parts, keyword labels, and the standard back-matter labels that
JATS stores as untitled elements (`<ack>`, `<fn fn-type="conflict">`, a `<ref-list>`
without title, author details) although the PDF prints them as headings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
MATCH_THRESHOLD = 85
_NUMBERING = re.compile(r"^\s*((\d{1,2}\.)*\d{1,2}\.?|[ivx]{1,4}\.|[a-h]\.)\s+", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


_BACK_MATTER_LABELS = [
    "References",
    "Acknowledgements",
    "Acknowledgments",
    "Acknowledgement",
    "Competing interests",
    "Conflict of interest",
    "Conflicts of interest",
    "Declaration of interest",
    "Authors' contributions",
    "Author contributions",
    "Authors contribution",
    "Author details",
    "Funding",
    "Abbreviations",
    "Financial disclosure",
    "Footnotes",
    "Notes",
]


@dataclass
class Truth:
    headings: list[str]
    neutral: list[str]
    body_words: Counter[str]
    table_numbers: Counter[str]


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def load_truth(nxml: Path) -> Truth:
    root = ET.parse(nxml).getroot()
    headings: list[str] = []
    neutral: list[str] = ["Keywords", "Key words", *_BACK_MATTER_LABELS]
    abstracts = [a for a in root.iter("abstract") if a.get("abstract-type") is None]
    if abstracts:
        headings.append("Abstract")
        for abstract in abstracts:
            neutral.extend(_text(t) for t in abstract.iter("title"))
    for part in ("body", "back"):
        element = root.find(part)
        if element is None:
            continue
        for title_parent in element.iter():
            if title_parent.tag in {
                "sec",
                "ack",
                "ref-list",
                "app",
                "fn-group",
                "notes",
                "glossary",
            }:
                title = title_parent.find("title")
                if title is not None and _text(title):
                    headings.append(_text(title))
    body = root.find("body")
    words: Counter[str] = Counter()
    numbers: Counter[str] = Counter()
    if body is not None:
        for p in body.iter("p"):
            words.update(_WORD.findall(_text(p).lower()))
    for table in root.iter("table"):
        for cell in table.iter():
            if cell.tag in {"td", "th"}:  # per cell: adjacent cells must not fuse digits
                numbers.update(_NUMBER.findall(" ".join(cell.itertext())))
    return Truth(headings, [n for n in neutral if n], words, numbers)


def norm_heading(text: str) -> str:
    text = _NUMBERING.sub("", text.strip())
    return " ".join(_WORD.findall(text.lower()))


def heading_scores(predicted: list[str], truth: Truth) -> tuple[int, int, int]:
    """(true positives, predicted counted, gold count) with one-to-one fuzzy matching."""
    gold = [norm_heading(h) for h in truth.headings]
    neutral = {norm_heading(h) for h in truth.neutral}
    free = list(range(len(gold)))
    tp = 0
    counted = 0
    for raw in predicted:
        pred = norm_heading(raw)
        if not pred:
            continue
        best, best_score = None, 0.0
        for i in free:
            score = fuzz.ratio(pred, gold[i])
            if score > best_score:
                best, best_score = i, score
        if best is not None and best_score >= MATCH_THRESHOLD:
            free.remove(best)
            tp += 1
            counted += 1
        elif any(fuzz.ratio(pred, n) >= MATCH_THRESHOLD for n in neutral):
            continue  # neither right nor wrong
        else:
            counted += 1
    return tp, counted, len(gold)


def coverage(expected: Counter[str], text: str, pattern: re.Pattern[str]) -> tuple[int, int]:
    """(found, total): multiset share of expected tokens present in `text`."""
    have = Counter(pattern.findall(text.lower()))
    found = sum(min(n, have[w]) for w, n in expected.items())
    return found, sum(expected.values())


def word_coverage(truth: Truth, text: str) -> tuple[int, int]:
    return coverage(truth.body_words, text, _WORD)


def number_coverage(truth: Truth, text: str) -> tuple[int, int]:
    return coverage(truth.table_numbers, text, _NUMBER)


def prf(tp: int, counted: int, gold: int) -> tuple[float, float, float]:
    p = tp / counted if counted else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def rct_pairs() -> list[tuple[Path, Path]]:
    jats = CORPUS / "jats"
    pdfs = CORPUS / "pdfs" / "rct"
    return [
        (pdfs / f"{x.stem}.pdf", x)
        for x in sorted(jats.glob("PMC*.nxml"))
        if (pdfs / f"{x.stem}.pdf").exists()
    ]
