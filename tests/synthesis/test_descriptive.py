"""Counts, trends and cross-tabs of fm_imaging records, checked against the hand-made data."""

from __future__ import annotations

import json
from pathlib import Path

from synth_testdata import fm_lines

from eval.synthesis.descriptive import describe, magnitude_bin
from eval.synthesis.studies import read_studies
from schemas.registry import load_form


def _studies(tmp_path: Path, check=None):
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in fm_lines(check)))
    return read_studies(path, load_form("fm_imaging")).studies


def _table(desc, name):
    return next(t for t in desc.tables if t.name == name)


def test_counts_keep_unchecked_values_apart(tmp_path):
    studies = _studies(tmp_path, {"FM3": {"modalities"}, "FM5": {"modalities"}})
    desc = describe(studies, load_form("fm_imaging"))
    modalities = _table(desc, "counts_modalities")
    counts = {row: cells["papers"].count for row, cells in modalities.rows.items()}
    unchecked = {row: cells["papers"].unchecked for row, cells in modalities.rows.items()}
    assert counts == {"ct": 2, "xray": 2, "histopathology": 1, "mri": 1}
    assert unchecked == {"ct": 1, "xray": 1, "histopathology": 0, "mri": 1}
    papers = sorted(c.paper for c in modalities.rows["ct"]["papers"].contributions)
    assert papers == ["FM1", "FM3"]


def test_trends_over_years_and_boolean_share(tmp_path):
    desc = describe(_studies(tmp_path), load_form("fm_imaging"))
    assert desc.year_field == "year"
    category = _table(desc, "trend_model_category").counts()
    assert category == {
        "2022": {"vision_only": 1, "vision_language": 1},
        "2023": {"vision_only": 2},
        "2024": {"vision_language": 1},
    }
    from eval.synthesis.descriptive import share_text

    multi = _table(desc, "trend_multi_center")
    assert multi.counts()["2023"] == {"yes": 1}  # FM4 does not report it
    assert [share_text(multi, y) for y in ("2022", "2023", "2024")] == ["50%", "100%", "100%"]


def test_cross_tab_and_size_bins(tmp_path):
    desc = describe(_studies(tmp_path), load_form("fm_imaging"))
    crosstab = _table(desc, "crosstab_modalities__downstream_tasks").counts()
    assert crosstab["ct"] == {"segmentation": 2}
    assert crosstab["xray"] == {"classification": 1, "report_generation": 1, "vqa": 1}
    sizes = _table(desc, "counts_pretraining_data_size_size").counts()
    # FM1 1,200 and FM3 40,000 volumes; FM2 350,000 and FM5 220,000 image-text pairs;
    # FM4 15 million patches. Bins sort by unit, then by size.
    assert list(sizes.items()) == [
        ("100k–1M image_text_pairs", {"papers": 2}),
        ("10M–100M patches", {"papers": 1}),
        ("1k–10k volumes", {"papers": 1}),
        ("10k–100k volumes", {"papers": 1}),
    ]
    assert [magnitude_bin(x) for x in (0, 0.5, 1, 9.9, 10, 1234, 2e6)] == [
        "0",
        "<1",
        "1–10",
        "1–10",
        "10–100",
        "1k–10k",
        "1M–10M",
    ]


def test_what_is_not_counted(tmp_path):
    desc = describe(_studies(tmp_path), load_form("fm_imaging"))
    names = {t.name for t in desc.tables}
    assert "counts_title" not in names  # one title per paper: counts of 1 say nothing
    assert "counts_results_value" not in names  # Dice and AUC values in one histogram
    assert "crosstab_modalities__multi_center" not in names  # booleans: read per year
    assert "counts_architecture" not in names  # no paper reports it: nothing to show
