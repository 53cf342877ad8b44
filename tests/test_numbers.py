"""Numbers as papers print them: one table of real-world cases per reader."""

from __future__ import annotations

import pytest

from schemas.numbers import (
    digit_share,
    number_counts,
    numbers_in,
    parse_number,
    parse_range,
    parse_value_and_spread,
    prints_number,
    read_number,
)

WHOLE_CELLS = [
    # (printed, value)
    ("12", 12.0),
    ("12.5", 12.5),
    (" 12 ", 12.0),
    ("1,5", 1.5),  # decimal comma
    ("0,25", 0.25),
    ("0,123", 0.123),  # a leading 0 group is never thousands
    ("12,3456", 12.3456),
    ("1,500", 1500.0),  # thousands comma
    ("1,234", 1234.0),
    ("2,020", 2020.0),
    ("1,234,567", 1234567.0),
    ("1,234.5", 1234.5),
    ("1.234,5", 1234.5),  # European thousands dots, decimal comma
    ("1 234", 1234.0),  # plain space in a cell of its own
    ("12 345 678", 12345678.0),
    ("1\u2009234", 1234.0),  # thin space
    ("1\u202f234", 1234.0),  # narrow no-break space
    ("1\u00a0234,5", 1234.5),  # no-break space + decimal comma
    ("0·5", 0.5),  # Lancet middle dot
    ("12\u22c53", 12.3),
    (".87", 0.87),
    ("-.87", -0.87),
    ("\u22120.3", -0.3),  # Unicode minus
    ("\u2013 2.1", None),  # a dash then a space is not a number
    ("\u20132.1", -2.1),  # an en dash used as a minus
    ("-4", -4.0),
    ("+5", 5.0),
    ("45.2%", 45.2),
    ("45 %", 45.0),
    ("12\uff05", 12.0),
    ("n=120", 120.0),
    ("N = 1,024", 1024.0),
    ("n: 35", 35.0),
    ("1e-3", 0.001),
    ("2.5E+2", 250.0),
    ("3.2 × 10^-4", 0.00032),
    ("3.2x10^(-4)", 0.00032),
    ("3.2 × 10⁻⁴", 0.00032),
    ("3.2×10\u22124", 0.00032),
    ("６０", 60.0),  # fullwidth digits
    ("", None),
    ("   ", None),
    ("twenty", None),
    ("NA", None),
    ("12.3 ± 4.5", None),  # two numbers: see parse_value_and_spread
    ("12–15", None),  # a range: see parse_range
    ("12 mg", None),
    ("12.", 12.0),  # a full stop, not a decimal point
    ("1..", None),
    ("1,2,3", None),
]


@pytest.mark.parametrize(("printed", "value"), WHOLE_CELLS)
def test_parse_number_reads_a_whole_cell(printed: str, value: float | None) -> None:
    got = parse_number(printed)
    if value is None:
        assert got is None
    else:
        assert got == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    ("printed", "whole", "percent"),
    [("1,234", True, False), ("12.0", False, False), ("1e3", False, False), ("45%", True, True)],
)
def test_read_number_says_how_the_number_was_printed(
    printed: str, whole: bool, percent: bool
) -> None:
    number = read_number(printed)
    assert number is not None and (number.whole, number.percent) == (whole, percent)


def test_read_number_spans_point_into_the_cell() -> None:
    number = read_number("  N = \u22121,024 ")
    assert number is not None
    assert (number.start, number.end, number.raw, number.value) == (6, 12, "\u22121,024", -1024.0)


QUOTES = [
    # (quote, values printed in it, in order)
    ("mean 12.3 ± 4.5 (n=120)", [12.3, 4.5, 120.0]),
    ("95% CI \u22120.5 to \u22120.3", [95.0, -0.5, -0.3]),
    ("95% CI -0.5 to -0.3", [95.0, -0.5, -0.3]),
    ("ranged 12–15 years", [12.0, 15.0]),
    ("ranged 12 - 15 years", [12.0, 15.0]),  # a spaced dash after a number is a range
    ("IL-6 and COVID-19", [6.0, 19.0]),  # hyphens inside words are not minus signs
    ("1,234 patients", [1234.0]),
    ("1,5 mg", [1.5]),
    ("groups of 12, 15 and 18", [12.0, 15.0, 18.0]),
    ("(0.5,0.9)", [0.5, 0.9]),
    ("p<.001", [0.001]),
    ("0·5 (0·3\u20130·7)", [0.5, 0.3, 0.7]),
    ("45 120", [45.0, 120.0]),  # a plain space in text separates numbers (table cells)
    ("1\u2009234 women", [1234.0]),
    ("OR 3.2 × 10^-4", [0.00032]),
    ("change = -2.1", [-2.1]),
    ("loss (\u22122.1)", [-2.1]),
    ("T2-weighted", [2.0]),
    ("no numbers here", []),
]


@pytest.mark.parametrize(("quote", "values"), QUOTES)
def test_numbers_in_finds_every_printed_number(quote: str, values: list[float]) -> None:
    assert [n.value for n in numbers_in(quote)] == pytest.approx(values)


def test_numbers_in_spans_point_into_the_original_text() -> None:
    quote = "events: 1\u2009234 of 2,000 (\u221212.5%)"
    for number in numbers_in(quote):
        assert quote[number.start : number.end] == number.raw
    assert [n.raw for n in numbers_in(quote)] == ["1\u2009234", "2,000", "\u221212.5%"]


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("12.3 ± 4.5", (12.3, 4.5)),
        ("12,3 ± 4,5", (12.3, 4.5)),
        ("12.3 +/- 4.5", (12.3, 4.5)),
        ("\u22121.2±0.4", (-1.2, 0.4)),
        ("12.3 (4.5)", None),
        ("12.3", None),
    ],
)
def test_value_and_spread(printed: str, expected: tuple[float, float] | None) -> None:
    assert parse_value_and_spread(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("12–15", (12.0, 15.0)),
        ("12-15", (12.0, 15.0)),
        ("12 to 15", (12.0, 15.0)),
        ("\u22125 to \u22123", (-5.0, -3.0)),
        ("0·3\u20130·7", (0.3, 0.7)),
        ("12", None),
        ("12 and 15", None),
        ("aged 12–15", None),
    ],
)
def test_ranges(printed: str, expected: tuple[float, float] | None) -> None:
    assert parse_range(printed) == expected


@pytest.mark.parametrize(
    ("quote", "value", "found"),
    [
        ("1,234 patients", 1234, True),
        ("1,5 mg", 1.5, True),
        ("1,5 mg", 15, False),  # the bug of issue 9: a decimal comma is not deleted
        ("1\u2009234 women", 1234, True),
        ("a fall of 0.3 points", -0.3, True),  # unsigned by default
        ("45.2% responded", 45.2, True),
        ("0·5 (0·3–0·7)", 0.7, True),
        ("12.30 mmHg", 12.3, True),
        ("12.3 mmHg", 12.4, False),
    ],
)
def test_prints_number(quote: str, value: float, found: bool) -> None:
    assert prints_number(quote, value) is found


def test_prints_number_can_insist_on_the_sign() -> None:
    assert not prints_number("a fall of 0.3", -0.3, signed=True)
    assert prints_number("change \u22120.3", -0.3, signed=True)


def test_number_counts_is_a_multiset_of_values() -> None:
    assert number_counts("12 of 12 (1,5)") == {12.0: 2, 1.5: 1}
    assert number_counts("54.2") != number_counts("45.2")
    assert number_counts("45.2") <= number_counts("mean 45.20 (SD 3)")


def test_digit_share() -> None:
    assert digit_share("") == 0
    assert digit_share("a1b2") == 0.5
