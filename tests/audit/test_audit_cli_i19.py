"""Issue 19 items 18 and 19 through `litextract audit`: a wrong --form is one line, a review
folder is a prediction source, accuracy where either side has a value is printed beside
today's figure, and the tables stay readable in an 80-column terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_testdata import PROVENANCE, write_fm_files
from rich.console import Console
from typer.testing import CliRunner

from eval.audit import run_audit
from eval.settings import AuditSettings
from extractor.cli import _register, app, audit_cmd
from schemas.registry import load_form

_register()
RCT = load_form("rct_outcomes")
BINARY = ("intervention_events", "intervention_group_size", "comparator_events")


def _rct_files(tmp_path: Path, papers: int = 10) -> tuple[Path, Path]:
    """rct_outcomes gold and a triaged records.jsonl: binary counts, continuous fields
    unreported on both sides (the cells that lift plain accuracy)."""
    gold, pred = [], []
    for i in range(papers):
        values = {"outcome_type": "binary", **{name: 10 + i for name in BINARY}}
        gold.append({"paper_id": f"P{i}", "target_id": "1", "record": values})
        record = {}
        for spec in RCT.fields:
            value = values.get(spec.name)
            if spec.name == "intervention_events" and i % 2:
                value = 99  # wrong on odd papers
            record[spec.name] = {
                "value": value,
                "status": "reported" if value is not None else "not_reported",
                "triage": "check" if spec.name == "intervention_events" else "verified",
                "reasons": [],
            }
        provenance = dict(PROVENANCE, form="rct_outcomes")
        pred.append(
            {"paper_id": f"P{i}", "target_id": "1", "record": record, "provenance": provenance}
        )
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "records.jsonl"
    gold_path.write_text("".join(json.dumps(x) + "\n" for x in gold))
    pred_path.write_text("".join(json.dumps(x) + "\n" for x in pred))
    return gold_path, pred_path


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_cmd._console, "_width", 200)  # headers unwrapped


def _audit(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", *args, "--resamples", "50"])
    return result.exit_code, result.output


def test_a_wrong_form_is_one_line(tmp_path: Path) -> None:
    gold, pred = _rct_files(tmp_path)
    code, output = _audit(
        "--gold",
        str(gold),
        "--pred",
        str(pred),
        "--form",
        "fm_imaging",
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 2
    lines = [x for x in output.splitlines() if x.strip()]
    assert len(" ".join(lines).split("error")) == 2, output  # one error, however wrapped
    text = " ".join(output.split())
    assert f"{gold}: no record fits form fm_imaging" in text and "is --form right?" in text
    # The predictions name their form: said when they are the first file that does not fit.
    code, output = _audit(
        "--gold",
        str(pred),
        "--pred",
        str(pred),
        "--form",
        "fm_imaging",
        "--out",
        str(tmp_path / "out"),
    )
    assert "made with form rct_outcomes" in " ".join(output.split())


def test_accuracy_where_either_side_has_a_value_beside_plain_accuracy(tmp_path: Path) -> None:
    gold, pred = _rct_files(tmp_path)
    code, output = _audit(
        "--gold",
        str(gold),
        "--pred",
        str(pred),
        "--form",
        "rct_outcomes",
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 0, output
    text = " ".join(output.split())
    assert "accuracy where either has a value" in text
    # intervention_mean: empty on both sides everywhere: 1.000 today, no figure where a
    # value exists; intervention_events: half wrong either way.
    row = next(x.split("│") for x in output.splitlines() if x.startswith(" intervention_mean "))
    assert row[2].strip() == "1.000" and row[3].strip() == "-", row
    overall = run_audit(gold, pred, RCT, AuditSettings()).overall
    assert overall.accuracy_non_empty.value == pytest.approx(35 / 40)  # 4 filled fields
    cells = 10 * len(RCT.fields)  # every field of every record; 5 events values are wrong
    assert overall.accuracy.value == pytest.approx((cells - 5) / cells)
    assert f"{overall.accuracy_non_empty.value:.3f}" in text


def _settings() -> AuditSettings:
    settings = AuditSettings()
    settings.bootstrap.resamples = 50
    return settings


def _render(table, width: int = 80) -> list[str]:  # type: ignore[no-untyped-def]
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text().splitlines()


def _rows(table, width: int = 80) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The rendered body lines of `table`, split into cells; asserts nothing was cropped."""
    lines = _render(table, width)
    assert max(map(len, lines)) <= width
    rows = [[cell.strip() for cell in x.split("│")] for x in lines if "│" in x]
    assert rows and {len(r) for r in rows} == {len(table.columns)}, lines  # no column cut
    return rows


def test_tables_in_80_columns_keep_field_names_apart(tmp_path: Path) -> None:
    result = run_audit(*_rct_files(tmp_path), RCT, _settings())
    for table in (audit_cmd.summary_table(result), audit_cmd.triage_table(result)):
        rows = _rows(table)
        names = [r[0] for r in rows if r[0]]
        assert not any(n.endswith("…") for n in names), names
        # Each field's name reads whole (a long one folded onto the next line).
        text = "".join(r[0] for r in rows)
        for spec in RCT.fields:
            assert spec.name in text
        assert "intervention_events" in names and "intervention_group_size" in names
        assert len(set(names)) == len(names)
        assert rows[-2][-1] in ("yes", "0 · 0 · 5")  # the last column of "(all fields)"


def test_fm_tables_in_80_columns(tmp_path: Path) -> None:
    result = run_audit(*write_fm_files(tmp_path), load_form("fm_imaging"), _settings())
    names = [r[0] for r in _rows(audit_cmd.summary_table(result)) if r[0]]
    assert "pretraining_paradigm" in names and "pretraining_data_size" in names
