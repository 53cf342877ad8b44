"""Issue 19 item 18: `audit --pred REVIEW_DIR` reads the review's current records
(corrections applied), as `export` would write them."""

from __future__ import annotations

import json
from pathlib import Path

from review_testdata import mini_yaml_review
from typer.testing import CliRunner

from extractor.cli import _register, app

_register()
TITLES = ["Deep learning for chest radiographs", "Brain MRI encoders"]


def test_audit_reads_a_review_folder_as_predictions(review: Path, tmp_path: Path) -> None:
    review = mini_yaml_review(review, TITLES)
    runner = CliRunner()
    fixed = runner.invoke(
        app, ["correct", str(review), "p1", "year", "2019", "--by", "ana", "--why", "Table 1"]
    )
    assert fixed.exit_code == 0, fixed.output
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps({"paper_id": f"p{i}", "record": {"title": t, "year": 2019}}) + "\n"
            for i, t in enumerate(TITLES)
        )
    )
    out = tmp_path / "audit"
    args = [
        "audit",
        "--gold",
        str(gold),
        "--pred",
        str(review),
        "--form",
        str(review / "mini.yaml"),
    ]
    result = runner.invoke(app, [*args, "--fields", "title,year", "--out", str(out)])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    year = next(f for f in metrics["fields"] if f["field"] == "year")
    # The model said 2021 for both; the reviewer's 2019 on p1 is what the audit sees.
    assert (year["counts"]["correct"], year["counts"]["incorrect"]) == (1, 1)
    title = next(f for f in metrics["fields"] if f["field"] == "title")
    assert title["counts"]["correct"] == 2


def test_a_folder_that_is_not_a_review_is_one_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"paper_id": "p0", "record": {"year": 2019}}\n')
    folder = tmp_path / "somewhere"
    folder.mkdir()
    result = CliRunner().invoke(
        app, ["audit", "--gold", str(gold), "--pred", str(folder), "--form", "fm_imaging"]
    )
    assert result.exit_code == 2
    assert "not a review (no review.sqlite)" in " ".join(result.output.split())
