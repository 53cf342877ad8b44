"""The audit on the real Yun et al. 2024 gold and on their released GPT-4 answers."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from eval.audit import AuditResult, run_audit
from eval.settings import AuditSettings, load_settings
from eval.yun2024 import clean_yaml_answer, gold_records, gpt4_records, write_jsonl
from schemas.rct_outcomes import CORE_FIELDS
from schemas.rct_outcomes import FORM as RCT

pytestmark = pytest.mark.corpus

# Yun et al.'s gold fills the form's 1.0 fields; the 1.1 printed-form fields stay empty.
NUMBERS = [f for f in CORE_FIELDS if f != "outcome_type"]
BINARY = [
    "intervention_events",
    "intervention_group_size",
    "comparator_events",
    "comparator_group_size",
]
# Yun et al. 2024, GPT-4, binary outcomes, exact-match accuracy (corpus README).
PUBLISHED_BINARY = {
    "intervention_events": 0.7485,
    "intervention_group_size": 0.8421,
    "comparator_events": 0.7368,
    "comparator_group_size": 0.8304,
}
PUBLISHED_BINARY_ALL_FOUR = 0.6550


@pytest.fixture(scope="module")
def yun(corpus_dir: Path) -> Path:
    return corpus_dir / "gold" / "rct_yun2024"


def _rows(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def _settings(resamples: int = 200, **extra) -> AuditSettings:
    return AuditSettings.model_validate({"bootstrap": {"resamples": resamples}, **extra})


def test_gold_against_itself_is_perfect(yun: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    write_jsonl(gold_records(_rows(yun / "gold_for_available_pdfs.json")), gold)
    result = run_audit(gold, gold, RCT, _settings())
    assert result.coverage.audited_records == 269
    assert result.coverage.gold_only == [] == result.coverage.predictions_only
    assert result.overall.accuracy.value == 1.0
    assert all(f.accuracy.value == 1.0 for f in result.fields)
    assert result.disagreements == []
    outcome = next(f for f in result.fields if f.field == "outcome_type")
    assert outcome.cohen_kappa.value == pytest.approx(1.0)
    assert outcome.gwet_ac1.value == pytest.approx(1.0)


def _perturb(value, spec_kind: str):
    if spec_kind == "enum":
        return {"binary": "continuous", "continuous": "binary"}[value]
    if spec_kind == "integer":
        return value + 1
    return round(value + 1 + abs(value) * 0.1, 3)  # beyond abs 0.005 / rel 0.5 %


def test_counted_perturbations_give_exact_counts(yun: Path, tmp_path: Path) -> None:
    gold_lines = gold_records(_rows(yun / "gold_for_available_pdfs.json"))
    gold_path = tmp_path / "gold.jsonl"
    write_jsonl(gold_lines, gold_path)
    # The adapter keeps references as written; load them typed, as the audit will.
    from eval.gold import load_records

    typed = load_records(gold_path, list(RCT.fields), role="gold", targeted=True).entries

    rng = random.Random(20240501)
    kinds = {s.name: s.kind.value for s in RCT.fields if s.name in CORE_FIELDS}
    expected = {
        f: dict.fromkeys(("correct", "incorrect", "missed", "fabricated", "both_empty"), 0)
        for f in kinds
    }
    pred_lines = []
    for line in gold_lines:
        values = {
            k: v
            for k, v in typed[(line["paper_id"], line["target_id"])].values.items()
            if k in CORE_FIELDS
        }
        record = {}
        for name, value in values.items():
            roll = rng.random()
            if value is not None and roll < 0.10:
                record[name] = _perturb(value, kinds[name])
                expected[name]["incorrect"] += 1
            elif value is not None and roll < 0.18:
                record[name] = None
                expected[name]["missed"] += 1
            elif value is None and roll < 0.07:
                record[name] = "binary" if kinds[name] == "enum" else 7
                expected[name]["fabricated"] += 1
            else:
                record[name] = value
                expected[name]["correct" if value is not None else "both_empty"] += 1
        pred_lines.append(
            {"paper_id": line["paper_id"], "target_id": line["target_id"], "record": record}
        )
    pred_path = tmp_path / "pred.jsonl"
    write_jsonl(pred_lines, pred_path)

    result = run_audit(gold_path, pred_path, RCT, _settings(), only_fields=list(CORE_FIELDS))
    got = {f.field: f.counts for f in result.fields}
    assert got == expected
    total = {k: sum(e[k] for e in expected.values()) for k in expected["outcome_type"]}
    assert result.overall.counts == total
    assert total["incorrect"] > 50 and total["missed"] > 30 and total["fabricated"] > 30
    assert len(result.disagreements) == total["incorrect"] + total["missed"] + total["fabricated"]


def _audit_gpt4(yun: Path, tmp_path: Path, settings: AuditSettings) -> AuditResult:
    sources = [
        yun / "gpt4_outputs" / "gpt4_binary_outcomes_test_output.json",
        yun / "gpt4_outputs" / "gpt4_continuous_outcomes_test_output.json",
    ]
    rows = [r for s in sources for r in _rows(s)]
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "gpt4.jsonl"
    write_jsonl(gold_records(rows), gold)
    write_jsonl(gpt4_records(rows), pred)
    # outcome_type was given to the model, not predicted: audit the numbers.
    return run_audit(gold, pred, RCT, settings, only_fields=NUMBERS)


def _group(result: AuditResult, outcome_type: str):
    return next(g for g in result.record_exact_match.groups if g.outcome_type == outcome_type)


def test_reproduces_published_gpt4_binary_accuracies(yun: Path, tmp_path: Path) -> None:
    result = _audit_gpt4(yun, tmp_path, load_settings("yun2024_scorer"))
    binary = _group(result, "binary")
    assert binary.records == 171
    released = json.loads(
        (yun / "gpt4_outputs" / "gpt4_binary_outcomes_test_output_metrics.json").read_text()
    )["exact_match_accuracy"]
    for field, published in PUBLISHED_BINARY.items():
        ours = binary.per_field_accuracy[field].value
        assert round(ours * 171) == round(published * 171)  # the same number of records
        assert round(ours, 4) == published
        assert ours == pytest.approx(released[field], abs=1e-12)
    assert round(binary.all_fields_exact.value, 4) == PUBLISHED_BINARY_ALL_FOUR
    assert binary.all_fields_exact.value == pytest.approx(released["total"], abs=1e-12)
    assert result.definitions["accuracy"].startswith("(correct + both_empty)")


def test_default_number_parsing_differs_only_on_thousands_separators(
    yun: Path, tmp_path: Path
) -> None:
    """With default settings "1,525" is the number 1525; Yun et al.'s scorer compares the text
    "1,525" with GPT-4's 1525 and counts a miss. Every difference is such a record."""
    strict = _group(_audit_gpt4(yun, tmp_path, load_settings("yun2024_scorer")), "binary")
    parsed = _group(_audit_gpt4(yun, tmp_path, _settings()), "binary")
    rows = _rows(yun / "gpt4_outputs" / "gpt4_binary_outcomes_test_output.json")
    # Count records whose reference has a thousands separator and whose answer equals it.
    by_id = {r["target_id"]: r["record"] for r in gpt4_records(rows)}
    for field in BINARY:
        rescued = sum(
            1
            for row in rows
            if isinstance(row[field], str)
            and "," in row[field]
            and by_id[str(row["id"])][field] == int(row[field].replace(",", ""))
        )
        diff = parsed.per_field_accuracy[field].value - strict.per_field_accuracy[field].value
        assert round(diff * 171) == rescued
    assert parsed.all_fields_exact.value == strict.all_fields_exact.value


def _yun_scorer_continuous(rows: list[dict]) -> dict[str, float]:
    """Their scorer's rule, restated: reference "" -> "x"; model YAML value; Python ==."""
    import yaml

    fields = [
        "intervention_mean",
        "intervention_standard_deviation",
        "intervention_group_size",
        "comparator_mean",
        "comparator_standard_deviation",
        "comparator_group_size",
    ]
    hits = dict.fromkeys(fields, 0)
    for row in rows:
        answer = yaml.safe_load(clean_yaml_answer(row["output"]))
        for field in fields:
            arm, key = field.split("_", 1)
            out = (answer.get(arm) or {}).get(key, "x")
            ref = "x" if row[field] in ("", None) else row[field]
            hits[field] += out == ref
    return {f: hits[f] / len(rows) for f in fields}


def test_continuous_matches_their_scorer_on_the_released_answers(yun: Path, tmp_path: Path) -> None:
    """The released continuous metrics file was not computed from the released answers (it
    counts 77 model unknowns for intervention_mean; the answers hold 47), so the check is
    against their scoring rule applied to the released answers."""
    result = _audit_gpt4(yun, tmp_path, load_settings("yun2024_scorer"))
    continuous = _group(result, "continuous")
    assert continuous.records == 485
    rows = _rows(yun / "gpt4_outputs" / "gpt4_continuous_outcomes_test_output.json")
    expected = _yun_scorer_continuous(rows)
    for field, value in expected.items():
        assert continuous.per_field_accuracy[field].value == pytest.approx(value, abs=1e-12)
    by_id = {r["target_id"]: r["record"] for r in gpt4_records(rows)}
    unknown = sum(
        1
        for r in rows
        if by_id[str(r["id"])]["intervention_mean"] is None and r["intervention_mean"] != ""
    )
    released = json.loads(
        (yun / "gpt4_outputs" / "gpt4_continuous_outcomes_test_output_metrics.json").read_text()
    )
    assert (unknown, released["number_of_model_unknowns"]["intervention_mean"]) == (47, 77)
