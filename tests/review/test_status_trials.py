"""Issue 22: `status` shows which papers report the same registered trial (synthesis counts
such reports as one study)."""

from __future__ import annotations

from pathlib import Path

from review_testdata import MINI_YAML, FakeExtractor, fake_pipeline, write_pdf
from rich.console import Console
from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.review.config import ReviewConfig, save_config
from extractor.review.update import run_update

_register()


def test_status_groups_the_reports_of_one_registered_trial(review: Path) -> None:
    (review / "mini.yaml").write_text(MINI_YAML)
    save_config(review, ReviewConfig(form="mini.yaml", backend="fake", model="fake-model"))
    bodies = {
        "main": "Registered at ClinicalTrials.gov (NCT01234567). Primary results.",
        "followup": "Two-year follow-up of trial NCT 01234567, see also NCT01234567.",
        "other": "Trial registration: ISRCTN12345678.",
        "none": "No registration is named here.",
    }
    for name, body in bodies.items():
        write_pdf(review / "papers" / f"{name}.pdf", f"Report {name}", body)
    run_update(review, pipeline=fake_pipeline(FakeExtractor()), console=Console(quiet=True))
    result = CliRunner().invoke(app, ["status", str(review)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "trials: 3 paper(s) name a registration id, 2 trial(s); 1 reported in several" in text
    assert "NCT01234567: followup, main" in text
