"""Character repair and line joining: ligatures, odd spaces, line-break hyphenation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CHAR_MAP = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u00ad": "",  # soft hyphen: never printed text
        "\u200b": "",
        "\ufeff": "",
        "\u2010": "-",
        "\u2011": "-",
    }
)

SOFT_HYPHEN = "\u00ad"

# Symbol fonts of the Advent (3B2) typesetter map relational and arithmetic signs to
# ASCII/Latin-1 code points; MuPDF reports those ("≥65 years" reads "C65 years"). Each
# mapping below was checked against the article's JATS text.
_FONT_MAPS: list[tuple[str, dict[int, str]]] = [
    ("AdvTir_symb", str.maketrans({"C": "\u2265", "B": "\u2264", "?": "+", "9": "\u00d7"})),
    ("AdvPSSym", str.maketrans({"\u00a3": "\u2264", "\u2021": "\u2265", "\u00aa": "\u00a9"})),
    (
        "AdvP4C4E74",
        str.maketrans(
            {"\u00bc": "=", "\u00fe": "+", "\u00de": ")", "\u00f0": "(", "\x01": "\u2212"}
        ),
    ),
    # Advent's hashed names name the font itself (the same name recurs across papers):
    # "p b .001" for "p < .001", "Hedges3 g" for "Hedges' g" (Elsevier, 2 RCT papers)
    ("AdvTT454a7a89", str.maketrans({"b": "<", "N": ">", "3": "\u2032"})),
    ("AdvEls-ent4", str.maketrans({"o": "<"})),  # "P o0.01"
    ("AdvPi1", str.maketrans({"4": ">", "6": "\u00d7"})),  # "(46 months", "2 m 60.5 cm"
    # ADA journals: "12.0 6 2.3%" for "12.0 ± 2.3%", "HbA1c ,7%", "b-cell", "HbA1c $7%"
    ("AdvPS586B", str.maketrans({"6": "\u00b1", ",": "<", ".": ">", "2": "\u2212"})),
    (
        "AdvPS7DA6",
        str.maketrans({"$": "\u2265", "#": "\u2264", "m": "\u03bc", "a": "\u03b1", "b": "\u03b2"}),
    ),
    (
        "AdvOT463cc31e",
        str.maketrans({"a": "\u03b1", "b": "\u03b2", "D": "\u0394", "x": "\u03c7", ";": "\u223c"}),
    ),
]

_HYPHENS = "-\u2010\u2011"
_WORD_AT_END = re.compile(r"([A-Za-z]+)[-\u2010\u2011]$")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_WORD_AT_START = re.compile(r"^([a-z]+)")
_WORDS = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

# Compounds whose first part ends a line are usually joined with a hyphen in scientific
# prose; kept when the document offers no better evidence (see `join_lines`).
_COMPOUND_PREFIXES = frozenset(
    (
        "non",
        "self",
        "well",
        "double",
        "single",
        "triple",
        "placebo",
        "long",
        "short",
        "high",
        "low",
        "cross",
        "follow",
        "open",
        "multi",
        "semi",
        "anti",
        "pre",
        "post",
        "co",
        "inter",
        "intra",
        "over",
        "under",
        "end",
        "full",
        "half",
        "evidence",
        "dose",
        "time",
        "age",
        "sex",
        "gender",
        "population",
        "community",
        "hospital",
        "school",
        "web",
        "case",
        "control",
        "cost",
        "risk",
        "treatment",
        "patient",
        "user",
        "mid",
        "first",
        "second",
        "third",
    )
)


# TeX sets an accent as its own glyph beside the letter: "Cl´ınica" (a spacing acute and a
# dotless i), "Rodrı\u0301guez" (a dotless i and a combining acute). JATS has "í".
_SPACING_ACCENTS = {
    "\u00b4": "\u0301",  # acute
    "\u02c6": "\u0302",  # circumflex
    "\u00a8": "\u0308",  # diaeresis
    "\u02dc": "\u0303",  # tilde
    "\u02c7": "\u030c",  # caron
    "\u02da": "\u030a",  # ring
    "\u02d8": "\u0306",  # breve
}
_ACCENT_MARKS = re.compile("[\u00b4\u02c6\u00a8\u02dc\u02c7\u02da\u02d8\u0131]")
# the accent before its letter; a space MuPDF puts before the accent inside a word goes
_ACCENT_BEFORE = re.compile(
    "(?:(?<=[a-z]) (?=[\u00b4\u02c6\u00a8\u02dc\u02c7\u02da\u02d8][a-z\u0131]))?"
    "([\u00b4\u02c6\u00a8\u02dc\u02c7\u02da\u02d8])([A-Za-z\u0131])"
)
_DOTLESS_ACCENTED = re.compile("\u0131(?=[\u0300-\u036f])")


def compose_accents(text: str) -> str:
    """Put TeX's separate accents on their letters ("Cl´ınica" -> "Clínica")."""
    # the marks are all outside ASCII: plain ASCII lines (most) need no search
    if text.isascii() or not _ACCENT_MARKS.search(text):
        return text
    text = _DOTLESS_ACCENTED.sub("i", text)
    text = _ACCENT_BEFORE.sub(
        lambda m: m.group(2).replace("\u0131", "i") + _SPACING_ACCENTS[m.group(1)], text
    )
    return unicodedata.normalize("NFC", text)


def clean_chars(text: str) -> str:
    # the map has no ASCII character: plain ASCII text (most of it) is left as it is
    return text if text.isascii() else text.translate(_CHAR_MAP)


def font_chars(text: str, font: str) -> str:
    """Repair the characters of a symbol font with a known non-Unicode encoding."""
    for name, table in _FONT_MAPS:
        if name in font:
            return text.translate(table)
    return text


def span_table(font: str) -> dict[int, str]:
    """`font_chars` then `clean_chars` as one translation table, for a span in `font`
    (read_page makes it once per font and translates each span once)."""
    for name, table in _FONT_MAPS:
        if name in font:
            merged = {**_CHAR_MAP, **table}
            return {key: clean_chars(value) for key, value in merged.items()}
    return _CHAR_MAP


def vocabulary(texts: Iterable[str]) -> tuple[set[str], set[str]]:
    """Lower-cased single words and hyphenated compounds seen inside lines."""
    # one search over all lines (a newline ends a word as a line end does), and each
    # distinct token lower-cased once
    tokens = {token.lower() for token in set(_WORDS.findall("\n".join(texts)))}
    compounds = {token for token in tokens if "-" in token}
    return tokens - compounds, compounds


def join_lines(
    lines: list[str], words: set[str] | None = None, compounds: set[str] | None = None
) -> str:
    """Join the lines of one paragraph, repairing line-break hyphenation (see
    `join_lines_at`)."""
    return join_lines_at(lines, words, compounds)[0]


def join_lines_at(
    lines: list[str], words: set[str] | None = None, compounds: set[str] | None = None
) -> tuple[str, list[int]]:
    """The joined paragraph and the offset where each input line starts in it.

    A soft hyphen (U+00AD) at a line end always joins the word without a space.
    A hyphen at a line end is dropped ("treat-" + "ment" -> "treatment") unless the
    hyphen is a real part of a compound: the hyphenated form occurs elsewhere in the
    paper and the joined form does not, the next line starts with a capital or digit
    ("anti-" + "TNF"), or the first part is a common compound prefix ("placebo-").
    """
    words = words or set()
    compounds = compounds or set()
    out = ""
    starts: list[int] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            starts.append(len(out))
            continue
        if not out:
            starts.append(0)
            out = line
            continue
        if out[-1] == SOFT_HYPHEN:
            out = out[:-1]
            starts.append(len(out))
            out += line
        elif out[-1] in _HYPHENS and len(out) > 1 and out[-2].isalpha():
            # only the paragraph's tail: a search of all of `out` made the join quadratic
            head = _WORD_AT_END.search(out, _letters_from(out, len(out) - 1))
            tail = _WORD_AT_START.match(line)
            if head and tail and _drop_hyphen(head.group(1), tail.group(1), words, compounds):
                out = out[:-1]
            starts.append(len(out))
            out += line
        else:
            out += " "
            starts.append(len(out))
            out += line
    if out.endswith(SOFT_HYPHEN):
        out = out[:-1]
    return out, starts


def _letters_from(text: str, end: int) -> int:
    """Where the run of ASCII letters that ends at `text[end]` (exclusive) starts."""
    start = end
    while start > 0 and text[start - 1] in _ASCII_LETTERS:
        start -= 1
    return start


def _drop_hyphen(first: str, second: str, words: set[str], compounds: set[str]) -> bool:
    joined = (first + second).lower()
    hyphenated = f"{first}-{second}".lower()
    if joined in words:
        return True
    if hyphenated in compounds:
        return False
    return first.lower() not in _COMPOUND_PREFIXES


def has_letters(text: str, count: int) -> bool:
    """Whether `text` holds at least `count` letters (`str.isalpha`)."""
    # stops at the count-th letter: a whole-line sum walked every character of every line
    for char in text:
        if char.isalpha():
            count -= 1
            if count <= 0:
                return True
    return count <= 0


_BLANKS = re.compile(r"[ \t]+")


def normalise_space(text: str) -> str:
    return _BLANKS.sub(" ", text).strip()
