"""Ground truth from the publisher's JATS XML: headings, body words, table numbers.

Shared by the parse benchmarks. Two scopes of gold headings:

- "all" (the RCT figures since the parser was written): every titled section of the body
  and back matter (all levels, incl. acknowledgements, glossary and the reference list)
  plus "Abstract".
- "body" (issue 15, the scorer of the unseen set): the titled `<sec>`s of `<body>` only,
  leaving out sections whose `sec-type` marks back matter (some publishers put the
  reference list, acknowledgements or data statements inside `<body>`). The article
  title, "Abstract" and every back-matter title are then neutral.

Neutral (neither right nor wrong when predicted): titles of structured-abstract parts,
keyword labels, and the standard back-matter labels that JATS stores as untitled
elements (`<ack>`, `<fn fn-type="conflict">`, a `<ref-list>` without title, author
details) although the PDF prints them as headings, and in "body" scope the bold labels
that open a back-matter paragraph (an untitled `<fn>` "<p><bold>Data Availability
Statement:</bold> ...", "<p><bold>Prior Presentation.</bold> ...").
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
# The parse_dev papers split once by publisher (bench/parse_dev_split.py writes it).
SPLIT_FILE = Path(__file__).resolve().parent / "parse_dev_split.json"
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


# `sec-type`s of back matter that some publishers place inside `<body>`
BACK_MATTER_SEC_TYPES = {
    "ref-list",
    "ack",
    "fn-group",
    "associated-data",
    "data-availability",
    "data-availability-statement",
    "contrib-info",
    "coi-statement",
    "supplementary-material",
    "supplementary-materials",
    "funding-information",
    "author-contributions",
    "ethics-statement",
}


@dataclass
class Truth:
    headings: list[str]
    neutral: list[str]
    body_words: Counter[str]
    table_numbers: Counter[str]


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _titles(element: ET.Element, tags: set[str]) -> list[str]:
    out = []
    for title_parent in element.iter():
        if title_parent.tag in tags:
            title = title_parent.find("title")
            if title is not None and _text(title):
                out.append(_text(title))
    return out


def _body_sections(element: ET.Element, gold: list[str], back: list[str]) -> None:
    """Titles of body sections in document order; back-matter `sec-type`s (and all
    their subsections) go to `back`."""
    for child in element:
        if child.tag != "sec":
            continue
        kinds = set((child.get("sec-type") or "").lower().split("|"))
        if kinds & BACK_MATTER_SEC_TYPES:
            back.extend(_titles(child, {"sec"}))
            continue
        title = child.find("title")
        if title is not None and _text(title):
            gold.append(_text(title))
        _body_sections(child, gold, back)


def _run_in_labels(element: ET.Element) -> list[str]:
    """Bold labels that open a paragraph ("<fn fn-type="other"><p><bold>Data Availability
    Statement:</bold> The authors ..."): JATS keeps these printed back-matter headings as
    the text of an untitled `<fn>` or paragraph, not as a `<title>`."""
    out = []
    for p in element.iter("p"):
        if (p.text or "").strip() or not len(p) or p[0].tag != "bold":
            continue
        label = _text(p[0])
        if label.endswith((":", ".")) and len(label.split()) <= 8:
            out.append(label.rstrip(":. "))
    return out


def load_truth(nxml: Path, scope: str = "all") -> Truth:
    """Gold headings for `scope` "all" (body and back matter, plus "Abstract") or "body"
    (body sections without back matter; see the module docstring)."""
    if scope not in {"all", "body"}:
        raise ValueError(f"unknown scope {scope!r}")
    root = ET.parse(nxml).getroot()
    headings: list[str] = []
    neutral: list[str] = ["Keywords", "Key words", *_BACK_MATTER_LABELS]
    abstracts = [a for a in root.iter("abstract") if a.get("abstract-type") is None]
    if abstracts:
        (headings if scope == "all" else neutral).append("Abstract")
        for abstract in abstracts:
            neutral.extend(_text(t) for t in abstract.iter("title"))
    tags = {"sec", "ack", "ref-list", "app", "fn-group", "notes", "glossary"}
    if scope == "all":
        for part in ("body", "back"):
            element = root.find(part)
            if element is not None:
                headings.extend(_titles(element, tags))
    else:
        neutral.extend(_text(t) for t in root.iterfind("front/article-meta/title-group/*"))
        body_element = root.find("body")
        if body_element is not None:
            _body_sections(body_element, headings, neutral)
        back_element = root.find("back")
        if back_element is not None:
            neutral.extend(_titles(back_element, tags))
            neutral.extend(_run_in_labels(back_element))
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


def dev_pairs(part: str) -> list[tuple[Path, Path]]:
    """(pdf, nxml) of the parse_dev papers in `part` ("tuning" or "test") of the split
    committed in bench/parse_dev_split.json."""
    folder = CORPUS / "parse_dev"
    if not folder.is_dir():
        return []
    return [(folder / f"{stem}.pdf", folder / f"{stem}.nxml") for stem in load_split()[part]]


def load_split() -> dict[str, list[str]]:
    """Paper ids (file stems in parse_dev/) per part: {"tuning": [...], "test": [...]}."""
    data = json.loads(SPLIT_FILE.read_text())
    return {part: data[part]["papers"] for part in ("tuning", "test")}
