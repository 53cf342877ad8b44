"""Small rct_outcomes studies built in code, for behaviour tests."""

from __future__ import annotations

from typing import Any

from eval.synthesis.studies import Study
from schemas.registry import load_form
from schemas.roles import effect_roles

FORM = load_form("rct_outcomes")
ROLES = effect_roles(FORM)
assert ROLES is not None


def binary_study(
    paper: str,
    target: str,
    ai: Any,
    n1: Any,
    ci: Any,
    n2: Any,
    *,
    triage: str = "",
    outcome="death",
) -> Study:
    values = {
        "outcome_type": "binary",
        "intervention_events": ai,
        "intervention_group_size": n1,
        "comparator_events": ci,
        "comparator_group_size": n2,
    }
    return _study(paper, target, values, triage, outcome)


def continuous_study(
    paper: str, target: str, m1, sd1, n1, m2, sd2, n2, *, triage: str = "", outcome="pain"
) -> Study:
    values = {
        "outcome_type": "continuous",
        "intervention_mean": m1,
        "intervention_standard_deviation": sd1,
        "intervention_group_size": n1,
        "comparator_mean": m2,
        "comparator_standard_deviation": sd2,
        "comparator_group_size": n2,
    }
    return _study(paper, target, values, triage, outcome)


def _study(paper: str, target: str, values: dict, triage: str, outcome: str) -> Study:
    # triage "" means gold (no triage at all); otherwise every field gets it, grounded.
    triage_map = {k: triage for k in values} if triage else {}
    grounded = {k: True for k in values} if triage else {}
    labels = {"intervention": "drug", "comparator": "placebo", "outcome": outcome}
    return Study(paper, target, labels, values, triage_map, grounded)


def record_line(
    paper: str,
    form_name: str,
    values: dict[str, Any],
    triage: dict[str, str] | None = None,
    *,
    target_id: str | None = None,
    target: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One records.jsonl line as `extract` writes it: every value wrapped in Extracted."""
    record = {}
    for name, value in values.items():
        state = (triage or {}).get(name, "verified")
        record[name] = {
            "value": value,
            "status": "reported" if value is not None else "not_reported",
            "evidence": [{"quote": f"quote for {name}", "page": 1, "alignment": "exact"}]
            if value is not None and state == "verified"
            else [],
            "triage": state if value is not None else "missing",
        }
    provenance = {
        "paper_sha256": "0" * 64,
        "form": form_name,
        "form_version": "1.0",
        "form_hash": "x",
        "prompt_name": "extract",
        "prompt_hash": "p",
        "backend": "test",
        "model": "test",
    }
    line: dict[str, Any] = {"paper_id": paper, "record": record, "provenance": provenance}
    if target_id is not None:
        line["target_id"] = target_id
        line["target"] = target or {}
    return line


FM_PAPERS = [
    # paper, year, modalities, tasks, model_category, multi_center, data size, unit
    ("FM1", 2022, ["ct"], ["segmentation"], "vision_only", True, 1_200, "volumes"),
    (
        "FM2",
        2022,
        ["xray"],
        ["classification", "report_generation"],
        "vision_language",
        False,
        350_000,
        "image_text_pairs",
    ),
    ("FM3", 2023, ["ct", "mri"], ["segmentation"], "vision_only", True, 40_000, "volumes"),
    (
        "FM4",
        2023,
        ["histopathology"],
        ["classification"],
        "vision_only",
        None,
        15_000_000,
        "patches",
    ),
    ("FM5", 2024, ["xray"], ["vqa"], "vision_language", True, 220_000, "image_text_pairs"),
]


def fm_lines(check_fields: dict[str, set[str]] | None = None) -> list[dict[str, Any]]:
    """fm_imaging record lines for FM_PAPERS; `check_fields[paper]` are left at `check`."""
    lines = []
    for paper, year, modalities, tasks, category, multi, size, unit in FM_PAPERS:
        values = {
            "title": f"{paper}: a model",
            "year": year,
            "modalities": modalities,
            "downstream_tasks": tasks,
            "model_category": category,
            "multi_center": multi,
            "pretraining_data_size": {"size": size, "size_unit": unit},
        }
        triage = {f: "check" for f in (check_fields or {}).get(paper, set())}
        lines.append(record_line(paper, "fm_imaging", values, triage))
    return lines
