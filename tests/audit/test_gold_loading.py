"""Gold and prediction files: formats, and clear messages for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.gold import GoldFileError, load_records
from schemas.errors import InputError
from schemas.fm_imaging import FORM as FM
from schemas.rct_outcomes import FORM as RCT
from schemas.values import Unparsed


def write_jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def load_gold(path: Path, form=RCT, **kw):
    return load_records(path, list(form.fields), role="gold", targeted=form.targeted, **kw)


def test_plain_jsonl_gold(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "g.jsonl",
        [
            {"paper_id": "PMC1", "target_id": "7", "record": {"intervention_events": "1,525"}},
            {"paper_id": "PMC1", "target_id": 8, "record": {"outcome_type": "Continuous"}},
        ],
    )
    loaded = load_gold(path)
    assert loaded.entries[("PMC1", "7")].values["intervention_events"] == 1525
    assert loaded.entries[("PMC1", "8")].values["outcome_type"] == "continuous"


def test_unknown_field_wrong_type_and_duplicate_named_by_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "g.jsonl",
        [
            {"paper_id": "PMC1", "target_id": "1", "record": {"intervention_event": 3}},
            {"paper_id": "PMC1", "target_id": "2", "record": {"comparator_events": "many"}},
            {"paper_id": "PMC1", "target_id": "3", "record": {}},
            {"paper_id": "PMC1", "target_id": "3", "record": {}},
            {"paper_id": "PMC2", "record": {}},
        ],
    )
    with pytest.raises(GoldFileError) as info:
        load_gold(path)
    problems = info.value.problems
    assert problems[0].startswith("line 1: field 'intervention_event': unknown field")
    assert problems[1] == "line 2: field 'comparator_events': expected a number, got 'many'"
    assert problems[2] == "line 4: duplicate record PMC1 / target 3 (first on line 3)"
    assert problems[3].startswith("line 5: missing target_id")
    assert str(info.value).startswith(f"{path}: line 1: field 'intervention_event'")
    assert "(and 3 more problem(s))" in str(info.value)


def test_invalid_json_line(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"paper_id": "A", "record": {}}\n{not json\n', encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"line 2: not valid JSON"):
        load_gold(path, FM)


def test_missing_file_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope.jsonl: file not found"):
        load_gold(tmp_path / "nope.jsonl")


def test_csv_gold_with_list_column(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(
        "\ufeffpaper_id,year,modalities,code_available\nP1,2023,CT; MRI,yes\nP2,,,\n",
        encoding="utf-8",
    )
    loaded = load_gold(path, FM)
    assert loaded.entries[("P1", None)].values == {
        "year": 2023,
        "modalities": ["ct", "mri"],
        "code_available": True,
    }
    assert loaded.entries[("P2", None)].values["year"] is None


def test_csv_unknown_column(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("paper_id,yeer\nP1,2023\n", encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"line 1: column 'yeer': unknown field"):
        load_gold(path, FM)


def test_predictions_are_lenient(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"paper_id": "P1", "record": {"year": "about 2020"}},
            {"paper_id": "P2", "record": {"yeer": 2020}},
            {"paper_id": "P3", "record": {"year": 2021}},
            {"paper_id": "P3", "record": {"year": 2022}},
        ],
    )
    loaded = load_records(path, list(FM.fields), role="predictions", targeted=False)
    assert loaded.entries[("P1", None)].values["year"] == Unparsed("about 2020")
    assert ("P2", None) not in loaded.entries
    assert loaded.entries[("P3", None)].values["year"] == 2022
    assert any("line 2: field 'yeer'" in w for w in loaded.warnings)
    assert any("line 4: duplicate record P3" in w for w in loaded.warnings)


def test_record_lines_from_extract_keep_evidence(tmp_path: Path) -> None:
    provenance = {
        "paper_sha256": "0" * 64,
        "form": "rct_outcomes",
        "form_version": "1.0",
        "form_hash": "abc",
        "prompt_name": "extract",
        "prompt_hash": "def",
        "backend": "openai",
        "model": "m",
    }
    line = {
        "paper_id": "PMC9",
        "target_id": "3",
        "record": {
            "intervention_events": {
                "value": 12,
                "status": "reported",
                "evidence": [{"quote": "12 of 40 patients", "page": 4, "grounded": True}],
            }
        },
        "provenance": provenance,
    }
    path = write_jsonl(tmp_path / "records.jsonl", [line])
    loaded = load_records(path, list(RCT.fields), role="predictions", targeted=True)
    entry = loaded.entries[("PMC9", "3")]
    assert loaded.fmt == "records.jsonl"
    assert entry.values["intervention_events"] == 12
    assert entry.evidence["intervention_events"][0].page == 4
    assert entry.status["intervention_events"] == "reported"


def test_numeric_text_keep_keeps_gold_text_with_warning(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "g.jsonl",
        [{"paper_id": "P", "target_id": "1", "record": {"intervention_group_size": "1,525"}}],
    )
    loaded = load_gold(path, numeric_text="keep")
    assert loaded.entries[("P", "1")].values["intervention_group_size"] == Unparsed("1,525")
    assert loaded.warnings == [
        "line 1: field 'intervention_group_size': number written as text '1,525'; kept as text"
    ]
