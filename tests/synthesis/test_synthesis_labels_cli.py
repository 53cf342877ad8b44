"""Issue 19 items 1, 3, 8 and 21 (trend charts), through the real `synthesize` command."""

from __future__ import annotations

import base64
import csv
import json
import math
import re
from pathlib import Path

import pytest
from synth_testdata import fm_lines, record_line
from typer.testing import CliRunner

from eval.synthesis.names import file_stem
from extractor.cli import _register, app
from extractor.review.config import ReviewConfig, ReviewPaths, save_config
from extractor.review.store import ReviewStore

_register()
runner = CliRunner()

SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*-[0-9a-f]{8,}\.(png|svg)$")


def _write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _binary(paper: str, target: str, a: int, n1: int, c: int, n2: int, labels: dict) -> dict:
    values = {
        "outcome_type": "binary",
        "intervention_events": a,
        "intervention_group_size": n1,
        "comparator_events": c,
        "comparator_group_size": n2,
    }
    return record_line(paper, "rct_outcomes", values, target_id=target, target=labels)


def _synth(*args: str):
    return runner.invoke(app, ["synthesize", *args])


def test_file_stem_is_safe_unique_and_keeps_the_full_name():
    names = ["drug 2.5 mg vs placebo: nausea", "drug 2.5 mg vs placebo: vomiting", "x.1", "x_1",
             "a/b", "a\\b", "<script>alert(1)</script>", ".hidden", "..", "", "-rf"]  # fmt: skip
    used: set[str] = set()
    stems = [file_stem(n, used) for n in names]
    assert len(set(stems)) == len(names)  # no collision, "x.1" and "x_1" included
    for stem in stems:
        assert SAFE.match(stem + ".png"), stem
        assert "." not in stem and "/" not in stem and "<" not in stem
    assert file_stem("x.1") == file_stem("x.1")  # the same name, the same file, any run


def test_forest_plot_per_analysis_with_dots_in_names(tmp_path):
    # Issue 19 item 1: "drug 2.5 mg" made both analyses write forest/drug_2.png.
    lines = []
    for outcome, counts in (("nausea", (4, 9)), ("vomiting", (12, 3)), ("a/b <script>", (5, 5))):
        labels = {"intervention": "drug 2.5 mg", "comparator": "placebo", "outcome": outcome}
        for paper in ("P1", "P2"):
            lines.append(_binary(paper, outcome, counts[0], 50, counts[1], 50, labels))
    records = _write(tmp_path / "records.jsonl", lines)
    out = tmp_path / "s"
    result = _synth(str(records), "--form", "rct_outcomes", "--out", str(out))
    assert result.exit_code == 0, result.output
    pngs = sorted(p.name for p in (out / "forest").iterdir() if p.suffix == ".png")
    assert len(pngs) == 3 and all(SAFE.match(p) for p in pngs), pngs
    assert not [p for p in (out / "forest").iterdir() if p.name.startswith(".")]
    html = (out / "synthesis.html").read_text(encoding="utf-8")
    # Under each heading, the picture of that analysis and of no other.
    for outcome in ("nausea", "vomiting"):
        name = f"drug 2.5 mg vs placebo: {outcome}"
        png = (out / "forest" / f"{file_stem(name)}.png").read_bytes()
        data = base64.b64encode(png).decode("ascii")
        heading = html.index(f">{name}</h3>")
        img = html.index('<img alt="forest plot', heading)
        assert html[img : img + 400].count(data[:300]) == 1
    assert "<script>" not in html.split("<script>\n")[0].split("<body>")[1]


def test_papers_counted_as_papers_ratios_shown_and_untriaged_not_to_check(tmp_path):
    # Issue 19 item 3: 2 papers with 3 binary targets each are 2 papers and 6 targets.
    lines = []
    for paper, rows in (("P1", [(3, 40, 9, 41), (5, 40, 5, 41), (1, 40, 2, 41)]),
                        ("P2", [(6, 60, 12, 59), (2, 60, 4, 59), (7, 60, 6, 59)])):  # fmt: skip
        for i, (a, n1, c, n2) in enumerate(rows):
            labels = {"intervention": "drug", "comparator": "placebo", "outcome": f"o{i}"}
            line = _binary(paper, str(i), a, n1, c, n2, labels)
            # plain values: what a sheet or `eval.yun2024 gold` gives (no triage, no quotes)
            plain = {k: v["value"] for k, v in line["record"].items()}
            lines.append({"paper_id": paper, "target_id": str(i), "target": labels,
                          "record": plain})  # fmt: skip
    records = _write(tmp_path / "plain.jsonl", lines)
    out = tmp_path / "s"
    result = _synth(str(records), "--form", "rct_outcomes", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(
        csv.reader((out / "descriptive" / "counts_outcome_type.csv").open(encoding="utf-8-sig"))
    )
    assert rows[0] == ["outcome_type", "papers", "papers (to check)", "targets"]
    assert rows[1] == ["binary", "2", "0", "6"]
    # OR under "OR": the ratio, as the forest plot prints it, not its log.
    analyses = list(csv.DictReader((out / "analyses.csv").open(encoding="utf-8-sig")))
    o0 = next(r for r in analyses if r["measure"] == "OR" and r["analysis"].endswith("o0"))
    summary = (out / "summary.md").read_text(encoding="utf-8")
    line = next(s for s in summary.splitlines() if s.startswith("| drug vs placebo: o0 | OR"))
    shown = float(line.split("|")[4])
    assert math.isclose(shown, math.exp(float(o0["dl"])), rel_tol=1e-3)
    assert float(o0["dl"]) < 0 < shown  # the log is negative here: it cannot pass for the OR
    # No triage: nothing "to check", and the page says why instead.
    effects = list(csv.DictReader((out / "effects.csv").open(encoding="utf-8-sig")))
    assert effects and all(r["unchecked_fields"] == "" for r in effects)
    assert "carry no triage" in (out / "synthesis.html").read_text(encoding="utf-8")


def test_gold_vs_extracted_pooled_table_shows_the_odds_ratio(tmp_path):
    labels = {"intervention": "drug", "comparator": "placebo", "outcome": "death"}
    gold = [_binary(p, "1", a, 50, c, 50, labels) for p, a, c in (("A", 4, 10), ("B", 6, 12))]
    pred = [_binary(p, "1", a, 50, c, 50, labels) for p, a, c in (("A", 4, 11), ("B", 6, 12))]
    g, x = _write(tmp_path / "g.jsonl", gold), _write(tmp_path / "x.jsonl", pred)
    out = tmp_path / "s"
    result = _synth(str(x), "--form", "rct_outcomes", "--gold", str(g), "--out", str(out),
                    "--no-plots")  # fmt: skip
    assert result.exit_code == 0, result.output
    pooled = list(
        csv.DictReader((out / "comparison" / "comparison_pooled.csv").open(encoding="utf-8-sig"))
    )
    row = next(r for r in pooled if r["measure"] == "OR")
    assert row["scale"] == "log"
    html = (out / "synthesis.html").read_text(encoding="utf-8")
    table = html[html.index("<h3>Pooled estimates</h3>") :]
    ratio = math.exp(float(row["gold_estimate"]))
    assert f"<td>{ratio:.3f}".rstrip("0") in table
    assert f"<td>{float(row['gold_estimate']):.3f}" not in table


@pytest.mark.parametrize("form", ["fm_imaging", "rct_outcomes"])
def test_no_records_is_one_line(tmp_path, form):
    # Issue 19 item 8: openpyxl's "At least one sheet must be visible" (fm_imaging), or
    # a page of nothing and exit 0 (rct_outcomes), before.
    root = tmp_path / "review"
    root.mkdir()
    targets = "targets.jsonl" if form == "rct_outcomes" else None
    save_config(root, ReviewConfig(form=form, targets=targets))
    with ReviewStore(ReviewPaths(root).store):
        pass
    result = _synth(str(root), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    assert "no records to synthesise" in result.output
    assert "Traceback" not in result.output and "IndexError" not in result.output
    assert not (tmp_path / "o" / "synthesis.xlsx").exists()


def test_trend_chart_marks_years_that_fail_the_form_rules(tmp_path):
    # Issue 19 item 21: fm_imaging's rule 2000 <= year <= 2035; a year 1 was a plain bar.
    lines = fm_lines()
    lines[0]["record"]["year"]["value"] = 1
    records = _write(tmp_path / "fm.jsonl", lines)
    out = tmp_path / "s"
    result = _synth(str(records), "--form", "fm_imaging", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = list(
        csv.reader((out / "descriptive" / "trend_model_category.csv").open(encoding="utf-8-sig"))
    )
    names = [r[0] for r in rows[1:]]
    assert "1 (fails the form's rule 2000 <= year <= 2035)" in names
    assert "2022 (fails" not in " ".join(names)
    html = (out / "synthesis.html").read_text(encoding="utf-8")
    assert "✗ fails 2000 &lt;= year &lt;= 2035" in html
