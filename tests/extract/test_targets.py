"""Targets JSONL: ids as text, grouped per paper, bad lines named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.targets import TARGETS_FORMAT, load_targets
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
        ("", f"no targets in the file ({TARGETS_FORMAT})"),
    ],
)
def test_bad_targets_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_targets(path)
    assert str(info.value) == f"{path}: {message}"


def test_each_bad_line_is_reported_and_the_rest_are_read(tmp_path: Path) -> None:
    """Issue 19 item 15: a BOM, empty texts, a duplicate and a broken line, one report each."""
    path = tmp_path / "t.jsonl"

    def line(target_id: str, intervention: str = "a", outcome: str = "c") -> str:
        return json.dumps(
            {"paper_id": "P", "target_id": target_id, "intervention": intervention,
             "comparator": "b", "outcome": outcome}
        )  # fmt: skip

    path.write_text(
        "\ufeff"
        + line("1")
        + "\n"
        + line("2", intervention=" ")
        + "\n{broken\n"
        + line("1")
        + "\n"
        + line("3", outcome="d")
        + "\n",
        encoding="utf-8",
    )
    problems: list[str] = []
    targets = load_targets(path, problems)
    assert [t.target_id for t in targets["P"]] == ["1", "3"]
    assert problems == [
        f"{path}: line 2: intervention: must not be empty",
        f"{path}: line 3: not valid JSON",
        f"{path}: line 4: duplicate target_id '1'",
    ]
    with pytest.raises(InputError, match="line 2: intervention: must not be empty"):
        load_targets(path)  # strict without a problems list


def test_gold_lines_from_yun2024_are_targets(tmp_path: Path) -> None:
    """`python -m eval.yun2024 gold` writes the texts in a nested "target" object."""
    path = tmp_path / "gold.jsonl"
    path.write_text(
        '{"paper_id": "PMC9", "target_id": "55", "target": {"intervention": "yoga", '
        '"comparator": "none", "outcome": "pain"}, "record": {"outcome_type": "binary"}}\n'
    )
    (target,) = load_targets(path)["PMC9"]
    assert target.as_dict() == {"intervention": "yoga", "comparator": "none", "outcome": "pain"}
