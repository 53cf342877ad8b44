"""Header rows of a table: counted from where the values start; spanning labels spread."""

from __future__ import annotations

from extractor.pdf.table_header import count_header_rows, spread_header


def test_header_rows_end_where_values_start():
    rows = [
        ["", "Placebo", "Drug", "P value"],
        ["", "(n = 50)", "(n = 48)", ""],
        ["Age, years", "54 (8)", "55 (7)", "0.61"],
        ["95% CI", "1.2 to 3.4", "0.9 to 2.8", "NA"],
    ]
    assert count_header_rows(rows) == 2


def test_group_label_row_in_the_body_is_not_a_header():
    rows = [["Age, years", "", ""], ["  <65", "12", "14"], ["  \u226565", "30", "28"]]
    assert count_header_rows(rows) == 0


def test_all_text_table_has_no_known_header():
    assert count_header_rows([["a", "b"], ["c", "d"]]) == 0


def test_spanning_header_cell_repeats_in_each_column_it_covers():
    rows = [["", "Intervention", "", "Control"], ["", "Mean", "SD", "Mean"], ["Age", "1", "2", "3"]]
    by_box = [[(0, 0), (1, 2), (2, 2), (3, 3)], [(c, c) for c in range(4)], []]
    assert spread_header(rows, 2, by_box)[0] == ["", "Intervention", "Intervention", "Control"]
    no_box = [[(c, c) for c in range(4)]] * 3
    assert spread_header(rows, 2, no_box)[0] == ["", "Intervention", "Intervention", "Control"]
    assert spread_header(rows, 0, by_box) == rows  # body rows are never touched
