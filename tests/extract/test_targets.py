"""Targets JSONL: ids as text, grouped per paper, bad lines named."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.targets import load_targets
from schemas.errors import InputError


def test_targets_group_per_paper(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(
        '{"paper_id": "PMC1", "target_id": 55, "intervention": "yoga", "comparator": "none",'
        ' "outcome": "pain", "notes": "extra keys are ignored"}\n\n'
        '{"paper_id": "PMC1", "target_id": "56", "intervention": "yoga", "comparator": "none",'
        ' "outcome": "sleep"}\n'
        '{"paper_id": "PMC2", "target_id": "1", "intervention": "a", "comparator": "b",'
        ' "outcome": "c"}\n'
    )
    targets = load_targets(path)
    assert [t.target_id for t in targets["PMC1"]] == ["55", "56"]
    assert targets["PMC2"][0].outcome == "c"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"paper_id": "P", "target_id": "1"', "line 1: not valid JSON"),
        (
            '{"paper_id": "P", "target_id": "1", "intervention": "a", "comparator": "b"}',
            "line 1: outcome: Field required",
        ),
        (
            '{"paper_id": "P", "target_id": "1", "intervention": "a", "comparator": "b",'
            ' "outcome": "c"}\n'
            '{"paper_id": "P", "target_id": "1", "intervention": "a", "comparator": "b",'
            ' "outcome": "d"}',
            "line 2: duplicate target_id '1'",
        ),
        ("", "no targets in the file"),
    ],
)
def test_bad_targets_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_targets(path)
    assert str(info.value) == f"{path}: {message}"
