"""Header rows of a table: counted from where the values start; spanning labels spread."""

from __future__ import annotations

from extractor.pdf.table_header import (
    count_header_rows,
    join_label_lines,
    spread_header,
    spread_row_labels,
)


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


def test_side_by_side_groups_have_one_width():
    # "Control" over the three columns beside "Intervention"'s three, not over the last
    # column ("P for difference"), which compares the two
    rows = [
        ["", "Intervention", "", "", "Control", "", "", ""],
        ["", "Mean", "Change", "P", "Mean", "Change", "P", "P for difference"],
        ["Days of wheeze", "2.9", "-1.4", "0.03", "5.1", "-4.2", "0.004", "0.10"],
    ]
    no_box = [[(c, c) for c in range(8)]] * 3
    assert spread_header(rows, 2, no_box)[0] == ["", *["Intervention"] * 3, *["Control"] * 3, ""]


def test_row_label_spans_the_rows_that_print_only_their_sub_label():
    rows = [
        ["Variable", "Subgroup", "Control", "Intervention"],
        ["Sex", "Male", "244 (49%)", "299 (48%)"],
        ["", "Female", "254 (51%)", "329 (52%)"],
        ["Age", "Mean (SD)", "12.1 (1.0)", "12.3 (0.9)"],
        ["", "", "11.9", "12.0"],  # no sub-label of its own: not taken over
    ]
    out = spread_row_labels(rows, 1)
    assert [row[0] for row in out] == ["Variable", "Sex", "Sex", "Age", ""]
    assert out[2][1:] == rows[2][1:]
    # the first body row never takes the header's label
    assert spread_row_labels([["", "a", "b"], ["", "x", "1"]], 1)[1][0] == ""


def test_timepoint_with_its_group_size_is_a_header():
    rows = [
        ["Outcome", "Baseline (n = 645)", "12 m (n = 592)", "24 m (n = 560)"],
        ["", "mean (95% CI)", "mean (95% CI)", "mean (95% CI)"],
        ["Weight (kg)", "50.08 (48.83, 51.34)", "55.91 (54.65, 57.17)", "61.08 (59.83, 62.34)"],
    ]
    assert count_header_rows(rows) == 2


def test_row_label_over_two_lines_is_one_row():
    rows = [
        ["", "Intervention", "Control", "P"],
        ["Acute asthma-related ER visit", "5 (19.2)", "1 (7.1)", "0.64"],
        ["in prior 2 months", "", "", ""],
        ["Correctly described purpose of", "4 (33.3)", "4 (50.0)", "0.03"],
        ["Personal controller medicine", "", "", ""],
        ["(I = 12, C = 8)", "", "", ""],
        ["Home environment", "", "", ""],  # a heading of the rows below: kept
        ["Dog at home", "6 (17.1%)", "3 (14.3%)", "1.0"],
    ]
    assert join_label_lines(rows, 1) == [
        rows[0],
        ["Acute asthma-related ER visit in prior 2 months", "5 (19.2)", "1 (7.1)", "0.64"],
        [
            "Correctly described purpose of Personal controller medicine (I = 12, C = 8)",
            "4 (33.3)",
            "4 (50.0)",
            "0.03",
        ],
        rows[6],
        rows[7],
    ]
    # a header's second line is not a body label's
    assert join_label_lines([["Outcome of", "A"], ["interest", ""], ["x", "1"]], 1)[1] == [
        "interest",
        "",
    ]
