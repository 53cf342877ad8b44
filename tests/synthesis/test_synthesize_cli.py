"""`litextract synthesize` end to end: files written, errors one line, paper text escaped."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from synth_reference_data import BCG
from synth_testdata import fm_lines, record_line
from typer.testing import CliRunner

from eval.synthesis.names import file_stem
from extractor.cli import _register, app
from extractor.review.config import ReviewConfig, ReviewPaths, save_config
from extractor.review.store import ReviewStore

_register()
runner = CliRunner()


def _rct_lines() -> list[dict]:
    lines = []
    for i, (author, year, tpos, tneg, cpos, cneg) in enumerate(BCG, start=1):
        values = {
            "outcome_type": "binary",
            "intervention_events": tpos,
            "intervention_group_size": tpos + tneg,
            "comparator_events": cpos,
            "comparator_group_size": cpos + cneg,
        }
        triage = {"comparator_events": "check"} if i in (2, 5) else {}
        target = {"intervention": "BCG", "comparator": "none", "outcome": "TB <script>x</script>"}
        lines.append(
            record_line(
                f"{author} {year}", "rct_outcomes", values, triage, target_id=str(i), target=target
            )
        )
    bad = {
        "outcome_type": "binary",
        "intervention_events": 9,
        "intervention_group_size": 5,
        "comparator_events": 1,
        "comparator_group_size": 5,
    }
    lines.append(
        record_line(
            "Broken 2001",
            "rct_outcomes",
            bad,
            target_id="99",
            target={
                "intervention": "BCG",
                "comparator": "none",
                "outcome": "TB <script>x</script>",
            },
        )
    )
    return lines


def _write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_records_file_to_every_output(tmp_path):
    records = _write(tmp_path / "records.jsonl", _rct_lines())
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["synthesize", str(records), "--form", "rct_outcomes", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for name in (
        "summary.md",
        "synthesis.html",
        "synthesis.xlsx",
        "effects.csv",
        "analyses.csv",
        "sensitivity.csv",
        "excluded.csv",
        "metafor.csv",
        "revman_study_results.csv",
    ):
        assert (out / name).is_file(), name
    forest = list((out / "forest").glob("*.png"))
    assert len(forest) == 1 and forest[0].with_suffix(".svg").is_file()
    # The pooled log RR of the 13 BCG trials (DL): -0.7141 (metafor/metan, see test_pooling).
    rows = list(csv.DictReader((out / "analyses.csv").open(encoding="utf-8-sig")))
    rr = next(r for r in rows if r["measure"] == "RR")
    assert float(rr["dl"]) == pytest.approx(-0.7141, rel=1e-3)
    assert rr["k"] == "13"
    excluded = (out / "excluded.csv").read_text(encoding="utf-8-sig")
    assert "intervention_events 9 > intervention_group_size 5" in excluded
    sens = list(csv.DictReader((out / "sensitivity.csv").open(encoding="utf-8-sig")))
    verified = next(r for r in sens if r["kind"] == "verified only")
    assert verified["k"] == "11"  # trials 2 and 5 have a comparator count still to check
    assert sum(r["kind"] == "leave one out" for r in sens) == 13
    metafor = list(csv.DictReader((out / "metafor.csv").open(encoding="utf-8-sig")))
    aronson = next(r for r in metafor if r["study"] == "Aronson 1948 #1")
    assert (aronson["ai"], aronson["bi"], aronson["ci"], aronson["di"]) == ("4", "119", "11", "128")
    html = (out / "synthesis.html").read_text(encoding="utf-8")
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'src="http' not in html and "data:image/png;base64," in html
    assert "1 left out" not in result.output and "left out: 1" in result.output


def test_fm_imaging_records_give_trends_and_charts(tmp_path):
    records = _write(tmp_path / "fm.jsonl", fm_lines({"FM2": {"modalities"}}))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["synthesize", str(records), "--form", "fm_imaging", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "descriptive" / "trend_modalities.md").is_file()
    # File names: a slug plus a hash of the full name (eval/synthesis/names.py).
    assert (out / "charts" / f"{file_stem('trend_modalities')}.png").is_file()
    assert (out / "charts" / f"{file_stem('crosstab_modalities__downstream_tasks')}.svg").is_file()
    assert not (out / "effects.csv").exists()  # fm_imaging declares no effect roles
    html = (out / "synthesis.html").read_text(encoding="utf-8")
    assert "(1 to check)" in html  # FM2's xray is unchecked
    # Every count links to the block listing its papers.
    links = set(re.findall(r'href="#(ev\d+)"', html))
    blocks = set(re.findall(r'<details id="(ev\d+)"', html))
    assert links and links == blocks
    workbook = load_workbook(out / "synthesis.xlsx", read_only=True)
    assert "counts_modalities" in workbook.sheetnames
    rows = list(workbook["counts_modalities"].iter_rows(values_only=True))
    assert rows[0] == ("modalities", "papers", "papers (to check)")
    assert ("xray", 2, 1) in rows  # FM2 (unchecked) and FM5


def test_review_folder_uses_corrections(tmp_path):
    root = tmp_path / "review"
    save_config(root, ReviewConfig(form="rct_outcomes", targets="targets.jsonl"))
    with ReviewStore(ReviewPaths(root).store) as store:
        for line in _rct_lines()[:3]:
            store.add_paper(line["paper_id"], sha256=line["paper_id"], path="x.pdf", source="pdf")
            store.update_paper(line["paper_id"], status="parsed")
            store.add_version(
                paper_id=line["paper_id"],
                target_id=line["target_id"],
                origin="model",
                record=line["record"],
                provenance=line["provenance"],
                target=line["target"],
            )
        # A reviewer corrects Ferguson's comparator events (29 -> 30): the value is used,
        # and, being a person's value, it counts as verified.
        ferguson = _rct_lines()[1]
        record = dict(ferguson["record"])
        store.add_version(
            paper_id=ferguson["paper_id"],
            target_id="2",
            origin="human",
            record=record,
            provenance=ferguson["provenance"],
            target=ferguson["target"],
            corrections=[
                {
                    "field": "comparator_events",
                    "value": 30,
                    "status": "reported",
                    "corrected_by": "ana",
                }
            ],
        )
    out = tmp_path / "out"
    result = runner.invoke(app, ["synthesize", str(root), "--out", str(out), "--no-plots"])
    assert result.exit_code == 0, result.output
    metafor = list(csv.DictReader((out / "metafor.csv").open(encoding="utf-8-sig")))
    row = next(r for r in metafor if r["target_id"] == "2")
    assert (row["ci"], row["di"], row["numbers_verified"]) == ("30", "273", "yes")  # 303 - 30


@pytest.mark.parametrize(
    ("groups_text", "message"),
    [
        ("analyses: [1, 2]", 'expected a mapping "analyses: {name: ...}"'),
        ("analyses:\n  a: {match: {outcome: '('}}", "analysis 'a': bad pattern '('"),
        ("analyses:\n  a: {targets: [1], measure: HR}", "analysis 'a': measure 'HR'"),
    ],
)
def test_bad_grouping_file_is_one_line_naming_the_file(tmp_path, groups_text, message):
    records = _write(tmp_path / "records.jsonl", _rct_lines())
    groups = tmp_path / "groups.yaml"
    groups.write_text(groups_text)
    result = runner.invoke(
        app,
        [
            "synthesize",
            str(records),
            "--form",
            "rct_outcomes",
            "--groups",
            str(groups),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2
    assert str(groups) in result.output and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_input_and_missing_form(tmp_path):
    missing = str(tmp_path / "nope.jsonl")
    result = runner.invoke(app, ["synthesize", missing, "--form", "rct_outcomes"])
    assert result.exit_code == 2 and "nope.jsonl: not found" in result.output
    records = _write(tmp_path / "records.jsonl", _rct_lines())
    result = runner.invoke(app, ["synthesize", str(records), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "needs --form" in result.output


def test_a_grouping_that_names_an_unknown_target_says_so(tmp_path):
    # Issue 19 item 15: a --groups entry naming no record's target was dropped silently.
    lines = _rct_lines()
    records = _write(tmp_path / "records.jsonl", lines)
    known = lines[0]
    groups = tmp_path / "groups.yaml"
    groups.write_text(
        "analyses:\n"
        f"  bcg: {{targets: ['{known['paper_id']}#{known['target_id']}', 'PMC999#77']}}\n"
    )
    result = runner.invoke(
        app,
        [
            "synthesize",
            str(records),
            "--form",
            "rct_outcomes",
            "--groups",
            str(groups),
            "--out",
            str(tmp_path / "o"),
            "--no-plots",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "bcg: PMC999#77: no record has this target" in " ".join(result.output.split())
    assert f"{known['paper_id']}#{known['target_id']}: no record" not in result.output


def test_synthesis_xlsx_keeps_text_that_starts_like_a_formula(tmp_path):
    # Issue 19 item 14: text cells are stored as they are (typed text, never evaluated),
    # not with the CSV guard's apostrophe.
    lines = _rct_lines()
    for line in lines:
        line["paper_id"] = "=" + line["paper_id"]
    records = _write(tmp_path / "records.jsonl", lines)
    out = tmp_path / "o"
    args = ["synthesize", str(records), "--form", "rct_outcomes", "--out", str(out)]
    result = runner.invoke(app, [*args, "--no-plots"])
    assert result.exit_code == 0, result.output
    book = load_workbook(out / "synthesis.xlsx")
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    texts = [c for c in cells if isinstance(c.value, str) and "Aronson" in c.value]
    assert texts and not any(c.value.startswith("'") for c in texts)
    assert any(c.value.startswith("=Aronson") and c.data_type == "s" for c in texts)
