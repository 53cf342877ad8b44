"""Words that name things: arms, outcomes, timepoints, compared loosely but on word bounds.

A target says "H1 (haloperidol 1 mg)", the table says "Group H1"; a target says
"postoperative nausea and vomiting (PONV)", the row says "Total PONV". Both sides are cut
into word stems (case-folded, Snowball's English stemmer), stop words and words that name no
particular thing ("group", "incidence", "patients") dropped, and abbreviations the paper
or the target defines ("... vomiting (PONV)") expanded.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer
from snowballstemmer.basestemmer import BaseStemmer

from extractor.locate import fold_text

_WORD = re.compile(r"[a-z][a-z0-9]*|[0-9]+[a-z]+[a-z0-9]*")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "during",
        "for",
        "from",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "than",
        "that",
        "the",
        "their",
        "then",
        "this",
        "to",
        "vs",
        "versus",
        "was",
        "were",
        "which",
        "who",
        "with",
        "within",
        "without",
        "after",
        "before",
        "between",
        "per",
        "all",
        "each",
        "both",
        "other",
        "others",
        "through",
        "via",
        "plus",
        "alone",
        "any",
        "had",
        "has",
        "have",
        "been",
        "when",
        "if",
        "whether",
        "it",
        "its",
        "they",
        "these",
        "those",
    ]
)
# Words shared by every arm or every outcome: they bind nothing.
GENERIC = frozenset(
    [
        "group",
        "groups",
        "arm",
        "arms",
        "patient",
        "patients",
        "participant",
        "participants",
        "subject",
        "subjects",
        "n",
        "no",
        "number",
        "numbers",
        "incidence",
        "rate",
        "rates",
        "total",
        "proportion",
        "percentage",
        "percent",
        "mean",
        "means",
        "score",
        "scores",
        "level",
        "levels",
        "value",
        "values",
        "change",
        "changes",
        "overall",
        "study",
        "trial",
        "data",
        "outcome",
        "outcomes",
        "measure",
        "measured",
        "using",
        "used",
        "receiving",
        "received",
        "treated",
        "cause",  # "all-cause death" is death
    ]
)
# Words of a time ("0-12 months", "week 8", "at baseline"): a row label's timepoint, not
# its outcome.
TIME_WORDS = frozenset(
    ["h", "hr", "hrs", "hour", "hours", "min", "minute", "minutes", "day", "days", "week",
     "weeks", "wk", "wks", "month", "months", "mo", "year", "years", "yr", "yrs", "baseline",
     "follow", "up", "visit", "time", "period", "end"]
)  # fmt: skip
# Names of a control arm: a comparator called "placebo" is the column headed "control".
CONTROL = frozenset(
    ["placebo", "control", "controls", "sham", "saline", "usual", "standard", "routine"]
)
_ABBREVIATION = re.compile(r"\(\s*([A-Z][A-Za-z0-9-]{1,9})\s*[),;]")
_GLOSSARY = re.compile(
    r"(?:^|[;:]|\n)\s*(?P<short>[A-Z][A-Za-z0-9-]{1,9}(?: [A-Z0-9]{1,4})?),\s+"
    r"(?P<long>[a-z][a-z0-9 -]{2,60}?)\s*(?=;|\.(?:\s|$))",
    re.MULTILINE,
)
_LOCAL = threading.local()


def _stemmer() -> BaseStemmer:
    """The Snowball (Porter 2) English stemmer, one per thread (a stemmer keeps state while it
    works). "Colonic" and "colon", "tests" and "test" meet; the first six letters, cut
    before, kept "colon" apart from "coloni" and "tests" from "test"."""
    english = getattr(_LOCAL, "english", None)
    if english is None:
        english = _LOCAL.english = snowballstemmer.stemmer("english")
    return english


# Words papers use for one outcome, read as one stem: "had died" reports "mortality".
_SAME = {
    _stemmer().stemWord(w): "death"
    for w in ("died", "dead", "death", "deaths", "mortality", "mortal", "die", "dies", "dying")
}


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    stemmed = _stemmer().stemWord(word)
    if len(stemmed) > 6 and stemmed.endswith("ia"):
        # a medical noun in -ia and its adjective in -ic meet ("glycemia", "glycemic";
        # "ischemia", "ischemic"): Snowball takes the -ic off the adjective only
        stemmed = stemmed[:-2]
    return _SAME.get(stemmed, stemmed)


def words(text: str) -> list[tuple[int, str]]:
    """(offset, word) of every word of `text` (case-folded; bare numbers are not words)."""
    return [(m.start(), m.group()) for m in _WORD.finditer(fold_text(text))]


def stems(text: str, *, keep_generic: bool = False) -> set[str]:
    """The content stems of `text`."""
    drop = _STOP if keep_generic else _STOP | GENERIC
    return {stem(w) for _, w in words(text) if w not in drop}


def abbreviations(texts: Iterable[str]) -> dict[str, set[str]]:
    """Abbreviation (folded) -> stems of what it stands for, from "... words (ABBR)"."""
    out: dict[str, set[str]] = {}
    for text in texts:
        for match in _ABBREVIATION.finditer(text):
            short = match.group(1)
            before = [w for _, w in words(text[max(0, match.start() - 120) : match.start()])]
            expansion = _expansion(short, before)
            if expansion:
                meaning = {stem(w) for w in expansion if w not in _STOP}
                out.setdefault(_short_key(short), set()).update(meaning)
                if re.fullmatch(r"[A-Z0-9-]{2,}s", short):  # "TEAEs": a row says "Any TEAE"
                    out.setdefault(_short_key(short[:-1]), set()).update(meaning)
        for match in _GLOSSARY.finditer(text):
            # "Abbreviations: DPP IV, dipeptidyl peptidase-4; IL, interleukin; ...": a list
            # of abbreviations (a table's footnote, the paper's glossary).
            short, expansion = match.group("short"), words(match.group("long"))
            if not expansion or expansion[0][1][0] != short[0].lower():
                continue
            meaning = {stem(w) for _, w in expansion if w not in _STOP}
            for key in dict.fromkeys([short, short.split()[0]]):  # "DPP IV*" reads "dpp"
                out.setdefault(_short_key(key), set()).update(meaning)
    return out


def _short_key(short: str) -> str:
    """An abbreviation as the role checks look it up: a word's stem ("TEAE" -> "teae"), or
    for "F-URS", "ICU-AW" (split into two words by `words`) the phrase as it is printed."""
    folded = short.lower()
    return stem(folded) if folded.isalnum() else folded


def initialisms(text: str) -> dict[str, set[str]]:
    """Initials of each run of 2 to 5 words of `text` (stop words left out) -> their stems:
    a target's "respiratory distress syndrome" is the row "Neonatal RDS" even where the
    paper never spells the abbreviation out."""
    names = [w for _, w in words(text) if w not in _STOP and w[0].isalpha()]
    out: dict[str, set[str]] = {}
    for i in range(len(names)):
        for run in (names[i : i + n] for n in range(2, 6) if i + n <= len(names)):
            out.setdefault(stem("".join(w[0] for w in run)), set()).update(map(stem, run))
    return out


def _expansion(short: str, before: list[str]) -> list[str]:
    # The fewest preceding words whose first word starts with the abbreviation's first
    # letter and whose letters hold the abbreviation's letters in order (Schwartz-Hearst).
    letters = [c for c in short.lower() if c.isalpha()]
    if len(letters) < 2:
        return []
    for n in range(1, min(len(before), len(letters) + 3) + 1):
        candidate = before[-n:]
        if candidate[0][0] != letters[0]:
            continue
        joined = " ".join(candidate)
        at = 0
        ok = True
        for letter in letters:
            at = joined.find(letter, at)
            if at < 0:
                ok = False
                break
            at += 1
        if ok:
            return candidate
    return []


# A dose or a duration ("3 h", "3-hour", "48 weeks", "SD48W", "100 mg", "12 m"), spelled one
# way. A bare "m" after a number is months ("12 m (n = 592)" in a table's header).
_QUANTITY = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*-?\s*(hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|m|"
    r"years?|yrs?|y|min|mg|mcg|ug|\u03bcg|g|ml|iu)(?![a-z])"  # μg: fold_text's micro sign
)
_UNIT = {"hour": "h", "hr": "h", "day": "d", "week": "w", "wk": "w", "month": "mo", "mos": "mo",
         "m": "mo", "year": "y", "yr": "y", "ug": "mcg", "\u03bcg": "mcg"}  # fmt: skip
_TIME_UNITS = frozenset({"h", "d", "w", "mo", "y", "min"})


# A time named by its unit first, as tables head their columns: "Week 12", "Month 6",
# "Day 28" (whole words only: "W 12", "M 6" name other things).
_TIME_FIRST = re.compile(
    r"(?<![a-z])(hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)\s*(\d+(?:\.\d+)?)(?![\d.])"
)


def quantities(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of every dose or duration in `text`: "3 h", "3-hour" and "3h"
    are all "3h", "48 weeks", "SD48W" and "Week 48" all "48w" (arms that differ only by
    one, a column's time)."""
    folded = fold_text(text)
    found = [(m.start(), m.end(), m.group(1), m.group(2)) for m in _QUANTITY.finditer(folded)]
    found += [
        (m.start(), m.end(), m.group(2), m.group(1))
        for m in _TIME_FIRST.finditer(folded)
        if not any(s < m.end() and m.start() < e for s, e, _, _ in found)  # "12 weeks 6"
    ]
    out = []
    for start, end, amount, unit in sorted(found):
        unit = unit[:-1] if len(unit) > 2 and unit.endswith("s") else unit  # "weeks", "hrs"
        unit = _UNIT.get(unit, unit)
        out.append((start, end, f"{amount}{unit}"))
    return out


def durations(text: str) -> set[str]:
    """The durations among `quantities`: "6 months", "6-month", "6 mo", "6 m" -> {"6mo"};
    "24 h", "24-hour" -> {"24h"} (a timepoint, when a header or a target names one)."""
    return {token for _, _, token in quantities(text) if token.lstrip("0123456789.") in _TIME_UNITS}


def expand(found: set[str], abbreviations: dict[str, set[str]]) -> set[str]:
    """`found` plus what its abbreviations stand for."""
    out = set(found)
    for word in found:
        out |= abbreviations.get(word, set())
    return out


def coverage(wanted: set[str], found: set[str]) -> float:
    """The share of `wanted` stems that `found` holds."""
    return len(wanted & found) / len(wanted) if wanted else 0.0
