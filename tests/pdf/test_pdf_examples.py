"""The built-in example papers: deterministic, gold complete, gold stated in the PDF."""

from __future__ import annotations

import json

from extractor.examples import ExampleSet, write_examples
from schemas.fm_imaging import FORM as FM_FORM
from schemas.rct_outcomes import FORM as RCT_FORM


def _jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_writes_three_pdfs_and_gold(examples: ExampleSet):
    assert len(examples.fm_pdfs) == 2
    assert len(examples.rct_pdfs) == 1
    for pdf in examples.pdfs:
        assert pdf.read_bytes().startswith(b"%PDF-")


def test_same_bytes_on_rerun(examples: ExampleSet, tmp_path):
    again = write_examples(tmp_path)
    for first, second in zip(examples.pdfs, again.pdfs, strict=True):
        assert first.read_bytes() == second.read_bytes()


def test_fm_gold_has_every_field_and_validates(examples: ExampleSet):
    rows = _jsonl(examples.gold_fm_imaging)
    assert [r["paper_id"] for r in rows] == [p.stem for p in examples.fm_pdfs]
    names = {f.name for f in FM_FORM.fields}
    for row in rows:
        assert set(row["record"]) == names
        FM_FORM.model.model_validate(row["record"])
    # both kinds of missing value are exercised: a stated value and a null
    assert any(v is None for row in rows for v in row["record"].values())


def test_rct_targets_and_gold_match(examples: ExampleSet):
    targets = _jsonl(examples.targets_rct)
    gold = _jsonl(examples.gold_rct)
    assert [(t["paper_id"], t["target_id"]) for t in targets] == [
        (g["paper_id"], g["target_id"]) for g in gold
    ]
    names = {f.name for f in RCT_FORM.fields}
    kinds = set()
    for row in gold:
        assert set(row["record"]) == names
        RCT_FORM.model.model_validate(row["record"])
        kinds.add(row["record"]["outcome_type"])
    assert kinds == {"binary", "continuous"}
    for t in targets:
        assert t["intervention"] and t["comparator"] and t["outcome"]


def test_fm_gold_values_are_printed_in_the_paper(examples: ExampleSet, fm_docs):
    rows = _jsonl(examples.gold_fm_imaging)
    for row, doc in zip(rows, fm_docs, strict=True):
        record = row["record"]
        assert doc.metadata.title == record["title"]
        assert doc.metadata.year == record["year"]
        assert record["model_name"] in doc.text
        assert record["backbone"] in doc.text
        for result in record["results"]:
            assert f"{result['value']:.3f}" in doc.text
            assert result["dataset"] in doc.text
        for dataset in record["pretraining_datasets"]:
            assert dataset["name"] in doc.text
            assert f"{dataset['size']:,.0f}" in doc.text


def test_rct_gold_numbers_are_printed_in_the_results_table(examples: ExampleSet, rct_doc):
    gold = _jsonl(examples.gold_rct)
    outcome_table = next(t for t in rct_doc.tables if t.caption and "Outcomes" in t.caption)
    table_text = rct_doc.text[outcome_table.char_start : outcome_table.char_end]
    for row in gold:
        r = row["record"]
        assert f"n = {r['intervention_group_size']}" in table_text
        assert f"n = {r['comparator_group_size']}" in table_text
        if r["outcome_type"] == "binary":
            assert f"{r['intervention_events']} (" in table_text
            assert f"{r['comparator_events']} (" in table_text
        else:
            assert (
                f"{r['intervention_mean']} ({r['intervention_standard_deviation']})" in table_text
            )
            assert f"{r['comparator_mean']} ({r['comparator_standard_deviation']})" in table_text
