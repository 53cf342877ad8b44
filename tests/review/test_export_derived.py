"""`export_review(..., derive=True)`: pooled inputs derived from the printed form, marked."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.review.config import ReviewConfig, ReviewPaths, save_config
from extractor.review.export import export_review
from extractor.review.store import ReviewStore
from schemas.registry import load_form

FORM = load_form("rct_outcomes")


def _review(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    save_config(root, ReviewConfig(form="rct_outcomes", targets="targets.jsonl"))
    values = {
        "outcome_type": "continuous",
        "intervention_mean": 3.4,
        "intervention_standard_error": 0.31,
        "intervention_spread_type": "SE",
        "intervention_group_size": 35,
        "comparator_mean": 4.2,
        "comparator_standard_deviation": 1.9,
        "comparator_group_size": 36,
    }
    record = {
        name: {"value": value, "status": "reported", "triage": "verified",
               "evidence": [{"quote": f"printed {name}", "page": 2, "alignment": "exact"}]}
        for name, value in values.items()
    }  # fmt: skip
    provenance = {"paper_sha256": "k", "form": "rct_outcomes", "form_version": FORM.version,
                  "form_hash": FORM.hash, "prompt_name": "extract", "prompt_hash": "p",
                  "backend": "test", "model": "test"}  # fmt: skip
    with ReviewStore(ReviewPaths(root).store) as store:
        store.add_paper("Kahn2020", sha256="k", path="x.pdf", source="pdf")
        store.update_paper("Kahn2020", status="parsed")
        store.add_version(paper_id="Kahn2020", target_id="1", origin="model",
                          record=record, provenance=provenance, target={})  # fmt: skip
    return root


def test_export_derives_only_when_asked_and_marks_it(tmp_path):
    root = _review(tmp_path)
    plain, derived = tmp_path / "plain.csv", tmp_path / "derived.csv"
    with ReviewStore(ReviewPaths(root).store) as store:
        export_review(store, FORM, "csv", plain)
        export_review(store, FORM, "csv", derived, derive=True)
    (row,) = csv.DictReader(plain.open(encoding="utf-8-sig"))
    assert row["intervention_standard_deviation"] == ""
    assert "intervention_standard_deviation__derived" not in row
    (row,) = csv.DictReader(derived.open(encoding="utf-8-sig"))
    assert math.isclose(float(row["intervention_standard_deviation"]), 0.31 * math.sqrt(35))
    mark = row["intervention_standard_deviation__derived"]
    assert mark.startswith("SD from SE (Cochrane Handbook 6.5.2.2)") and "√35" in mark
    assert row["comparator_standard_deviation"] == "1.9"  # printed: left as it is
    assert "comparator_standard_deviation__derived" not in row


def test_export_derive_through_the_cli(tmp_path):
    _register()
    root = _review(tmp_path)
    out = tmp_path / "cli.csv"
    result = CliRunner().invoke(app, ["export", str(root), "-o", str(out), "--derive"])
    assert result.exit_code == 0, result.output
    (row,) = csv.DictReader(out.open(encoding="utf-8-sig"))
    assert math.isclose(float(row["intervention_standard_deviation"]), 0.31 * math.sqrt(35))
    assert row["intervention_standard_deviation__derived"].startswith("SD from SE")
