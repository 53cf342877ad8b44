"""Small generated fm_imaging gold and predictions with known, counted differences."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

PROVENANCE = {
    "paper_sha256": "0" * 64,
    "form": "fm_imaging",
    "form_version": "1.0",
    "form_hash": "x",
    "prompt_name": "extract",
    "prompt_hash": "y",
    "backend": "openai",
    "model": "m",
}
HOSTILE_QUOTE = '<script>alert("x")</script> =HYPERLINK("http://evil")'


def gold_record(i: int) -> dict:
    return {
        "year": 2020 + i % 4,
        "study_type": ["new_model", "adaptation", "evaluation"][i % 3],
        "modalities": ["ct", "mri"] if i % 2 else ["xray"],
        "code_available": i % 2 == 0,
        "model_name": f"Model-{i}",
        "results": [
            {"task": "segmentation", "dataset": "BTCV", "metric": "Dice", "value": 0.8},
            {"task": "classification", "dataset": "CheXpert", "metric": "AUC", "value": 0.9},
        ],
    }


def _ext(value, quote: str = "", page: int | None = None) -> dict:
    evidence = [{"quote": quote, "page": page, "grounded": True}] if quote else []
    return {"value": value, "status": "reported", "evidence": evidence}


def write_fm_files(tmp_path: Path) -> tuple[Path, Path]:
    """A 12-paper fm_imaging gold file and records.jsonl with known, counted differences."""
    gold, pred = [], []
    for i in range(12):
        g = gold_record(i)
        gold.append({"paper_id": f"P{i:02d}", "record": g})
        p = json.loads(json.dumps(g))
        if i == 0:
            p["year"] = 2030  # incorrect
        if i == 1:
            p["code_available"] = None  # missed
        if i == 2:
            p["model_name"] = "=cmd|' /C calc'!A0"  # incorrect, formula-looking
        if i == 3:
            p["modalities"] = ["ct", "pet"]  # list: tp 1, fp 1, fn 1
        if i == 4:
            p["results"] = list(reversed(p["results"]))  # same items, other order: correct
        if i == 5:
            p["results"][0]["value"] = 0.5  # aligned item, wrong value
        record = {k: _ext(v) for k, v in p.items()}
        if i == 0:
            record["year"] = _ext(2030, HOSTILE_QUOTE, 3)
        pred.append({"paper_id": f"P{i:02d}", "record": record, "provenance": PROVENANCE})
    gold.append({"paper_id": "GOLD-ONLY", "record": gold_record(0)})
    pred.append({"paper_id": "PRED-ONLY", "record": {}, "provenance": PROVENANCE})
    return _write_pair(tmp_path, gold, pred)


# A wrong predicted value per field of `gold_record`, for triage tests.
_WRONG = {
    "year": lambda v: v + 10,
    "study_type": lambda v: "evaluation" if v != "evaluation" else "new_model",
    "modalities": lambda v: ["ultrasound"],
    "code_available": lambda v: not v,
    "model_name": lambda v: "Another-Model",
    "results": lambda v: [dict(v[0], value=0.1), *v[1:]],
}
CellPlan = Callable[[int, str], tuple[str, bool]]  # (paper index, field) -> (triage, right?)


def write_triaged_files(tmp_path: Path, plan: CellPlan, papers: int = 12) -> tuple[Path, Path]:
    """fm_imaging gold and a records.jsonl whose every field carries a triage: the fields of
    `gold_record` get the triage `plan` says and a right or wrong value; the form's other
    fields are empty on both sides and triaged `missing`."""
    from schemas.fm_imaging import FORM

    gold, pred = [], []
    for i in range(papers):
        g = gold_record(i)
        gold.append({"paper_id": f"P{i:02d}", "record": g})
        record = {}
        for spec in FORM.fields:
            if spec.name not in g:
                record[spec.name] = {"value": None, "status": "not_reported", "triage": "missing"}
                record[spec.name]["reasons"] = ["not_reported"]
                continue
            triage, right = plan(i, spec.name)
            value = g[spec.name] if right else _WRONG[spec.name](g[spec.name])
            cell = _ext(value, f"the paper says {value}", 1)
            cell["triage"] = triage
            cell["reasons"] = [] if triage == "verified" else ["value_not_in_quote"]
            record[spec.name] = cell
        pred.append({"paper_id": f"P{i:02d}", "record": record, "provenance": PROVENANCE})
    return _write_pair(tmp_path, gold, pred)


def _write_pair(tmp_path: Path, gold: list[dict], pred: list[dict]) -> tuple[Path, Path]:
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "records.jsonl"
    gold_path.write_text("".join(json.dumps(x) + "\n" for x in gold), encoding="utf-8")
    pred_path.write_text("".join(json.dumps(x) + "\n" for x in pred), encoding="utf-8")
    return gold_path, pred_path
