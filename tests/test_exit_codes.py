"""One exit-code rule for every command (issue 19 item 12, README "Exit codes"): an
invocation that can do nothing exits 2 and says why on an error line, no traceback.
The batch commands' 0 / 1 cases are tested beside them (tests/extract/test_cli_runs.py,
tests/review/test_review_cli_exits.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import _register, app

_register()


@pytest.fixture(autouse=True)
def _no_ambient_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _nothing_done(tmp: Path) -> dict[str, list[str]]:
    missing = str(tmp / "missing")
    return {
        "parse": ["parse", missing, "--out", str(tmp / "p"), "--no-progress"],
        "extract": ["extract", missing, "--form", "nosuchform", "--out", str(tmp / "e")],
        "audit": ["audit", "--gold", missing, "--pred", missing, "--form", "fm_imaging",
                  "--out", str(tmp / "a")],
        "synthesize": ["synthesize", missing, "--form", "rct_outcomes", "--out", str(tmp / "s")],
        "example": ["example", str(tmp / "x"), "--backend", "nosuchbackend", "--no-progress"],
        "init": ["init", str(tmp / "r"), "--form", "nosuchform"],
        "add": ["add", missing, str(tmp / "a.pdf")],
        "update": ["update", missing],
        "status": ["status", missing],
        "history": ["history", missing, "paper"],
        "diff": ["diff", missing],
        "correct": ["correct", missing, "p", "f", "1", "--by", "ana"],
        "import-corrections": ["import-corrections", missing, missing, "--by", "ana"],
        "export": ["export", missing],
        "serve": ["serve", missing],
    }  # fmt: skip


@pytest.mark.parametrize("command", list(_nothing_done(Path("/tmp"))))
def test_nothing_done_exits_2_with_an_error_line(tmp_path: Path, command: str) -> None:
    result = CliRunner().invoke(app, _nothing_done(tmp_path)[command])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert errors and ("missing" in errors[0] or "nosuch" in errors[0]), result.output
    assert "Traceback" not in result.output


def test_version_exits_0() -> None:
    assert CliRunner().invoke(app, ["version"]).exit_code == 0
