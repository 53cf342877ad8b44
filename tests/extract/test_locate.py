"""The value locator: numbers grouped as papers print them, with their table context."""

from __future__ import annotations

from doubles.documents import make_document

from extractor.document import Table
from extractor.locate import (
    Locator,
    contains_term,
    counts_column,
    header_rows,
    table_units,
    value_groups,
)


def test_terms_match_on_word_and_number_bounds() -> None:
    assert not contains_term("We release the extractor and a contrastive model.", "x")
    assert contains_term("an x-ray model", "x")
    assert contains_term("a ResNet 50 backbone", "ResNet-50")
    assert contains_term("a resnet-\n50 backbone", "ResNet-50")
    assert not contains_term("123 patients", "12")
    assert not contains_term("anything", "")


def test_numbers_are_grouped_as_papers_pair_them() -> None:
    groups = value_groups("11/49 vs 11 (22.4 %) and 12.3 ± 4.5, 4.9 (1.7), 40 (20–60), 7 of 30")
    shown = [(tuple(n.value for n in g.numbers), g.pair) for g in groups]
    assert shown == [
        ((11, 49), "slash"),
        ((11, 22.4), "paren"),
        ((12.3, 4.5), "pm"),
        ((4.9, 1.7), "paren"),
        ((40, 20, 60), "paren"),
        ((7, 30), "of"),
    ]
    assert [g.numbers[1].value for g in value_groups("1,5 (SD 0,4)")] == [0.4]
    # An approval id or a date is no value: "241" is not printed in "EA 2/241/08".
    assert value_groups("approved (EA 2/241/08) on 12/05/2019") == []


def _table(rows: list[list[str]], header_rows: int = 0) -> Table:
    return Table(caption="Table 2 Outcomes", page=1, rows=rows, header_rows=header_rows)


def test_table_rows_carry_label_section_and_column_header() -> None:
    table = _table(
        [
            ["", "Aspirin", "Placebo"],
            ["", "(n = 60)", "(n = 61)"],
            ["6 months", "", ""],
            ["Death", "12 (20.0)", "20 (32.8)"],
        ]
    )
    assert header_rows(table) == 2  # the first row, and the "(n = ...)" row under it
    (unit,) = table_units(table, 0)
    assert unit.label == "Death" and unit.section == "6 months"
    assert unit.column_headers == ["Aspirin (n = 60)", "Placebo (n = 61)"]
    assert unit.caption == "Table 2 Outcomes"


def test_the_parsers_header_rows_are_used_when_given() -> None:
    table = _table([["Outcome", "A", "B"], ["Death", "1", "2"], ["Stroke", "3", "4"]], 2)
    assert header_rows(table) == 2
    (unit,) = table_units(table, 0)
    assert unit.label == "Stroke" and unit.column_headers == ["A 1", "B 2"]


def test_every_occurrence_is_found_in_text_and_tables() -> None:
    document = make_document(["Results\nDeath occurred in 12 of 60 on aspirin; 12.5 % overall."])
    document.tables.append(_table([["", "Aspirin"], ["Death", "12"]]))
    found = Locator(document).find(12)
    assert sorted(o.unit.kind for o in found) == ["table", "text"]
    text = next(o for o in found if o.unit.kind == "text")
    assert text.value_group.pair == "of" and text.position == 0
    assert document.text[text.char_start : text.char_end] == "12"


def test_rows_of_a_parsed_table_are_not_read_again_as_sentences() -> None:
    # The parser writes a parsed table into the text as "cell | cell" rows; read as a
    # sentence, a row would lose its column headers (and with them its timepoint).
    rows = [["", "Pre-test", "Post-test"], ["Pain score", "20.1 ± 3.2", "12.3 ± 4.5"]]
    text = "Results\nPain fell by 7.8 points.\n\n" + "\n".join(" | ".join(r) for r in rows)
    document = make_document([text])
    document.tables.append(Table(caption="Table 2 Pain", page=1, rows=rows))
    found = Locator(document).find(20.1)
    assert [occ.unit.kind for occ in found] == ["table"]
    assert [occ.unit.kind for occ in Locator(document).find(7.8)] == ["text"]


def test_a_value_printed_over_two_columns_is_one_group() -> None:
    table = Table(
        caption="Table 2",
        page=1,
        header_rows=2,
        rows=[
            ["", "Aspirin (n = 60)", "Aspirin (n = 60)", "Placebo (n = 61)", "Placebo (n = 61)"],
            ["", "Mean", "SD", "n", "%"],
            ["Pain score", "12.3", "4.5", "12", "20.0"],
        ],
    )
    (unit,) = table_units(table, 0)
    shown = [(tuple(n.value for n in g.numbers), g.pair) for g in unit.groups]
    assert shown == [((12.3, 4.5), "pm"), ((12, 20.0), "paren")]
    assert unit.column_headers == ["Aspirin (n = 60) Mean", "Placebo (n = 61) n"]
    assert unit.cells == [1, 3]


def test_numbers_of_a_row_label_are_the_labels_when_values_stand_beside_it() -> None:
    table = Table(
        caption="Table 2",
        page=1,
        rows=[["", "Aspirin", "Placebo"], ["Shivering grade ≥ 2", "12 (20.0)", "20 (32.8)"]],
    )
    (unit,) = table_units(table, 0)
    assert unit.label == "Shivering grade ≥ 2"
    assert [g.head.value for g in unit.groups] == [12, 20]


def test_a_row_the_parser_left_in_one_cell_is_a_row_not_a_section() -> None:
    table = Table(
        caption="Table 2",
        page=1,
        rows=[
            ["", "Aspirin (n = 30)", "Placebo (n = 52)", "P"],
            ["6 months", "", "", ""],
            ["Partial obstruction 8/20 13/44 0.716", "", "", ""],
            ["Urinary symptoms", "24 (80)", "2 (3.8)", "0.005"],
        ],
    )
    merged, row = table_units(table, 0)
    assert (merged.kind, merged.label, merged.section) == (
        "line",
        "Partial obstruction",
        "6 months",
    )
    assert [g.numbers[0].value for g in merged.groups] == [8, 13, 0.716]
    assert row.label == "Urinary symptoms" and row.section == "6 months"


def test_values_the_parser_left_in_the_label_cell_are_the_rows_values() -> None:
    # The arms' columns ran into the label's cell; only the p value has a cell of its own.
    table = Table(
        caption="Table 3 Outcomes",
        page=1,
        rows=[
            ["Outcomes Aspirin Placebo N = 326 N = 326", "P"],
            ["Any complications 238(73%) 241 (73.9%)", "0.86"],
            ["Pain on day 1 (n = 628) 234 (75.2%) 261 (82.3%)", "0.03"],
            ["Shivering grade ≥ 2", "0.40"],
        ],
    )
    first, second, third = table_units(table, 0)
    assert first.label == "Any complications"
    assert [g.head.value for g in first.groups] == [238, 241, 0.86]
    assert first.column_headers == ["", "", "P"]
    assert second.label == "Pain on day 1 (n = 628)"  # the size is the label's own
    assert [g.head.value for g in second.groups] == [234, 261, 0.03]
    assert third.label == "Shivering grade ≥ 2"  # a label's own number stays in the label
    assert [g.head.value for g in third.groups] == [0.40]


def test_a_column_of_counts_is_named_at_the_start_or_the_end_of_its_header() -> None:
    named = ["n (%)", "No. of patients", "Number", "Placebo n", "n/N (%)"]
    assert all(counts_column(h) for h in named)
    assert not any(counts_column(h) for h in ["Mean", "Placebo (n = 30)", "Notes", "None"])


def test_a_confidence_interval_opened_by_ci_is_the_values_parenthesis() -> None:
    # "72.49 (CI95% 69.34–75.65)" groups like "71.71 (95% CI 68.21–75.20)": a value and its
    # interval, so the two arms' values of one sentence have the same shape
    first, second = value_groups("72.49 (CI95% 69.34–75.65) vs 71.71 (95% CI 68.21–75.20)")
    assert (first.pair, len(first.numbers)) == (second.pair, len(second.numbers)) == ("paren", 4)


def test_a_row_printing_only_an_effect_names_the_category_rows_below_it() -> None:
    # "Severity ... | | | 1.03 (0.69–1.53)": the effect of the categories below; its
    # label is their section until a row prints a value in its columns again.
    table = Table(
        caption="Table 2. Neonatal outcomes",
        page=1,
        header_rows=1,
        rows=[
            ["Outcome", "Progesterone", "Placebo", "Effect (95% CI)"],
            ["Severity of respiratory disease", "", "", "1.03 (0.69–1.53)"],
            ["Nil", "338/402 (84.1)", "327/388 (84.3)", ""],
            ["Severe", "8/402 (2.0)", "7/388 (1.8)", ""],
            ["Oxygen therapy", "43/402 (10.7)", "45/388 (11.6)", "0.92 (0.61–1.38)"],
        ],
    )
    sections = {u.label: u.section for u in table_units(table, 0)}
    assert sections["Nil"] == sections["Severe"] == "Severity of respiratory disease"
    assert sections["Oxygen therapy"] == ""
