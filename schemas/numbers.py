"""Numbers as papers print them: the one reader every stage uses.

`parse_number` reads a whole cell or value ("1,234", "−0.3", "45.2%", "n = 120");
`numbers_in` finds every number printed in a quote, with its span. Grounding,
the numeric check, planning, audit normalisation, corrections and export all
read numbers here, so "1,5" means the same thing everywhere.

Rules (decided once, here):

- Digits: any Unicode decimal digit counts (fullwidth "１２" is 12).
- Thousands separators: a comma, a thin/narrow/no-break space, or (in a whole
  cell only) a plain space between groups of exactly three digits after a first
  group of one to three digits that is not "0": "1,234", "12 345 678", "1,234.5".
  A plain space inside running text is not a separator ("45 120" in a table row
  is two numbers). European "1.234,5" (dots for thousands, comma decimal) is 1234.5.
- Decimal comma: any other comma between digits is a decimal mark: "1,5" is 1.5,
  "0,123" is 0.123, "12,3456" is 12.3456. A comma followed by a space separates
  two numbers ("12, 15").
- Middle dot between digits ("0·5", Lancet style) is a decimal point; ".87" is 0.87.
- Minus: U+2212 (and its small/fullwidth forms) is always a minus. A hyphen or a
  dash is a minus unless a word or number ends right before it, or a number
  before a space: "−0.3", "(-2.1", "= -4", "CI -0.5 to -0.3" are negative;
  "12–15", "12 - 15", "IL-6", "COVID-19" are not.
- Percent: a trailing "%" (with or without a space) is dropped and the value is
  kept as printed ("45.2%" is 45.2): forms record values as the paper prints them.
- Scientific notation: "1e-3", "3.2 × 10^-4", "3.2x10^(-4)", "3.2 × 10⁻⁴", "3.2 × 10−4".
- "±": `parse_value_and_spread("12.3 ± 4.5")` gives (12.3, 4.5); `parse_number`
  refuses it (it is two numbers, not one).
- Ranges: `parse_range("12–15")`, "12 to 15", "−5 to −3"; `parse_number` refuses them.
- Labels: a whole cell may start with a short label such as "n=", "N = " or "n:",
  and end with a full stop ("12.").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# Always a minus, wherever it stands.
_MINUS_SIGNS = frozenset("\u2212\ufe63\uff0d")
# Hyphens and dashes: a minus only where nothing numeric or wordy ends just before.
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015")
_MIDDLE_DOTS = frozenset("\u00b7\u2219\u22c5")
_THIN_SPACES = frozenset("\u00a0\u2007\u2009\u200a\u202f")
_THIN = "\u2009"
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")

_EXPONENT = r"""
    [eE][-+]?\d+
  | \s?[×x]\s?10(?:\^|\*\*)\(?[-+]?\d+\)?
  | \s?[×x]\s?10[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+
  | \s?×\s?10-\d+
"""
_NUMBER = re.compile(
    rf"""
    (?P<sign>[-+])?
    (?P<mantissa>
        (?!0,)\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?![\d,])   # 1,234 and 1,234.5
      | \d{{1,3}}(?:{_THIN}\d{{3}})+(?:[.,]\d+)?(?!\d)    # 1 234 (thin space), 1 234,5
      | \d{{1,3}}(?:\.\d{{3}})+,\d+                       # 1.234,5
      | \d+(?:[.,]\d+)?                                   # 12, 12.5, 1,5
      | (?<![\d.])\.\d+                                   # .87
    )
    (?P<exponent>{_EXPONENT})?
    (?P<percent>\s?%)?
    """,
    re.VERBOSE,
)
_LABEL = re.compile(r"[A-Za-z][A-Za-z_ ]{0,11}?\s*[=:]\s*")
_SPACED_GROUPS = re.compile(r"^[-+]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?(?:\s?%)?$")
_PLUS_MINUS = re.compile(r"\s*(?:±|\+/-|\+-)\s*")
_RANGE = re.compile(r"\s*(?:to|-)\s*")


@dataclass(frozen=True)
class PrintedNumber:
    """One number as printed: its value, where it stands and the text it was read from."""

    value: float
    start: int
    end: int
    raw: str
    percent: bool = False
    # Printed without a decimal part or exponent ("1,234" yes, "12.0" and "1e3" no).
    whole: bool = True


def _fold(text: str) -> str:
    """One character for one character (spans stay valid): signs, dots, spaces, digits."""
    out = []
    for ch in text:
        if ch in _MINUS_SIGNS or ch in _DASHES:
            out.append("-")
        elif ch in _MIDDLE_DOTS:
            out.append(".")
        elif ch in _THIN_SPACES:
            out.append(_THIN)
        elif ch.isdecimal() and not ch.isascii():
            out.append(str(unicodedata.decimal(ch)))
        elif ch == "\uff05":  # fullwidth percent
            out.append("%")
        else:
            out.append(ch)
    return "".join(out)


def _mantissa_value(text: str) -> tuple[float, bool]:
    """(value, printed whole) of a mantissa matched by `_NUMBER`."""
    if "." in text and "," in text and text.index(".") < text.index(","):
        text = text.replace(".", "").replace(",", ".")  # 1.234,5
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text) and not text.startswith("0,"):
        text = text.replace(",", "")  # 1,234
    text = text.replace(_THIN, "").replace(",", ".")
    return float(text), "." not in text


def _exponent_value(text: str) -> int:
    digits = text.translate(_SUPERSCRIPTS)
    tail = re.search(r"10(?:\^|\*\*)?\(?([-+]?\d+)\)?$", digits.replace(" ", ""))
    if tail is None:  # 1e-3
        return int(digits.strip()[1:])
    return int(tail.group(1))


def _is_minus(original: str, folded: str, at: int) -> bool:
    if original[at] in _MINUS_SIGNS:
        return True
    if at and (folded[at - 1].isalnum() or folded[at - 1] in ")]"):
        return False  # "IL-6", "COVID-19", "12-15", "(a)-2"
    before = folded[:at].rstrip()
    return not before or not (before[-1].isdigit() or before[-1] == "%")  # "12 - 15"


def _read(original: str, folded: str, match: re.Match[str]) -> PrintedNumber:
    value, whole = _mantissa_value(match.group("mantissa"))
    start = match.start()
    sign = match.group("sign")
    if sign == "-" and not _is_minus(original, folded, start):
        start, sign = start + 1, None  # a range dash or hyphen, not a minus
    if sign == "-":
        value = -value
    exponent = match.group("exponent")
    if exponent:
        value = float(f"{value}e{_exponent_value(exponent)}")
        whole = False
    return PrintedNumber(
        value=value,
        start=start,
        end=match.end(),
        raw=original[start : match.end()],
        percent=bool(match.group("percent")),
        whole=whole,
    )


def numbers_in(text: str) -> list[PrintedNumber]:
    """Every number printed in `text`, in order, with spans into `text` itself.

    Digits inside words count ("n=120" gives 120, "T2" gives 2): what matters for
    evidence is which numbers a quote prints.
    """
    folded = _fold(text)
    return [_read(text, folded, m) for m in _NUMBER.finditer(folded)]


def read_number(text: str) -> PrintedNumber | None:
    """The one number a whole cell prints ("1,234", "−0.3", "45.2 %", "N = 1,024"), else None.

    Its span is into `text` (after any label such as "n = ").
    """
    folded = _fold(text)
    end = len(folded.rstrip())
    start = len(folded) - len(folded.lstrip())
    label = _LABEL.match(folded, start, end)
    if label:
        start = label.end()
    if end - start > 1 and folded[end - 1] == "." and folded[end - 2].isdigit():
        end -= 1  # "12." as a sentence or a cell ends it
    if _SPACED_GROUPS.match(folded[start:end]):  # "1 234" in a cell of its own
        folded = folded[:start] + folded[start:end].replace(" ", _THIN) + folded[end:]
    match = _NUMBER.fullmatch(folded, start, end)
    return None if match is None else _read(text, folded, match)


def parse_number(text: str) -> float | None:
    """The value of a whole cell that prints exactly one number, else None."""
    number = read_number(text)
    return None if number is None else number.value


def parse_value_and_spread(text: str) -> tuple[float, float] | None:
    """(value, spread) of "12.3 ± 4.5" (also "12.3 +/- 4.5"), else None."""
    parts = _PLUS_MINUS.split(_fold(text).strip())
    if len(parts) != 2:
        return None
    value, spread = parse_number(parts[0]), parse_number(parts[1])
    return None if value is None or spread is None else (value, spread)


def parse_range(text: str) -> tuple[float, float] | None:
    """(low, high) of "12–15", "12 to 15" or "−5 to −3", else None."""
    found = numbers_in(text)
    if len(found) != 2:
        return None
    between = text[found[0].end : found[1].start]
    outside = text[: found[0].start] + text[found[1].end :]
    if outside.strip() or not _RANGE.fullmatch(_fold(between)):
        return None
    return found[0].value, found[1].value


def number_counts(text: str) -> Counter[float]:
    """The multiset of values printed in `text` (for "does the quote print the same numbers")."""
    return Counter(n.value for n in numbers_in(text))


def prints_number(text: str, value: float, *, signed: bool = False) -> bool:
    """Whether `value` is among the numbers printed in `text`.

    Unsigned by default: papers print a fall as "decreased by 0.3" for a value of
    −0.3, and a dash before a number is often a range or a hyphen.
    """
    wanted = value if signed else abs(value)
    for number in numbers_in(text):
        printed = number.value if signed else abs(number.value)
        if abs(printed - wanted) <= 1e-9 * max(1.0, abs(wanted)):
            return True
    return False


def digit_share(text: str) -> float:
    """The share of characters that are digits (how "numeric" a passage looks)."""
    return sum(ch.isdecimal() for ch in text) / max(1, len(text))
