"""Issue 19 item 19: 80-column terminals. `status` shows a run's start time whole, and the
progress bar of `update` / `extract` keeps its bar, count and times when a paper id is long."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from review_testdata import mini_yaml_review
from rich.console import Console
from typer.testing import CliRunner

from extractor.cli import _register, app, review_common
from extractor.jobs import progress_bar
from extractor.review.store import ReviewStore

_register()


def test_status_shows_the_start_time_whole_in_80_columns(
    review: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    review = mini_yaml_review(review, ["Deep learning for chest radiographs"])
    monkeypatch.setattr(review_common.console, "_width", 80)
    result = CliRunner().invoke(app, ["status", str(review)])
    assert result.exit_code == 0, result.output
    with ReviewStore(review / "review.sqlite") as store:
        started = store.runs()[0].started_at
    assert max(map(len, result.output.splitlines())) <= 80
    shown = started[:16].replace("T", " ")  # 2026-12-06 12:34
    assert re.search(rf"│ 1\s+│ {re.escape(shown)}\s+│", result.output), result.output


def _render(paper: str, answer: str) -> str:
    buffer = io.StringIO()
    console = Console(width=80, file=buffer, color_system=None)
    bar = progress_bar("update", enabled=True, console=console)
    task = bar.add_task("update", total=120, paper=paper, answer=answer)
    bar.update(task, completed=37)
    console.print(bar.make_tasks_table(bar.tasks))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "paper, answer",
    [
        ("PMC1", ""),
        ("Smith_2021_deep_learning_for_chest_radiographs_multicentre", "1234 tokens, 35.0/s"),
    ],
)
def test_progress_bar_in_80_columns_keeps_bar_count_and_times(paper: str, answer: str) -> None:
    line = _render(paper, answer).rstrip("\n")
    assert "\n" not in line and len(line) <= 80
    assert line.startswith("update ━")  # the label and the bar are there
    assert "37/120" in line
    assert re.search(r"\d:\d\d:\d\d -:--:--$", line), line  # both times whole, at the end
    assert paper[:10] in line
