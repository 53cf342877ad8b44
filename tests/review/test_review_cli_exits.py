"""The review commands through the real CLI: one exit-code rule (issue 19 item 12: 0 done,
1 some inputs failed, 2 nothing done) and `update --base-url / --model` (item 17)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from doubles.openai_server import FakeOpenAIServer
from test_review_e2e import FORM_YAML, paper_pdf
from typer.testing import CliRunner

from extractor.cli import _register, app

_register()


@pytest.fixture(autouse=True)
def _no_ambient_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.fixture
def server():
    with FakeOpenAIServer() as fake:
        yield fake


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, " ".join(result.output.split())


def _review(tmp_path: Path, *extra: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    form = tmp_path / "trial_basics.yaml"
    form.write_text(FORM_YAML, encoding="utf-8")
    review = tmp_path / "review"
    code, output = run("init", str(review), "--form", str(form), "--model", "fake-model", *extra)
    assert code == 0, output
    return review


def test_add_exit_codes(tmp_path: Path, server) -> None:
    review = _review(tmp_path, "--base-url", server.base_url)
    good = paper_pdf(tmp_path / "in", 0)
    not_pdf = tmp_path / "in" / "notes.txt"
    not_pdf.write_text("not a paper")
    assert run("add", str(review), str(good))[0] == 0
    code, output = run("add", str(review), str(paper_pdf(tmp_path / "in", 1)), str(not_pdf))
    assert code == 1, output  # "1 added, ..., 1 errors" is not a success
    assert "1 added" in output and "1 errors" in output
    code, output = run("add", str(review), str(not_pdf), str(tmp_path / "missing.pdf"))
    assert code == 2, output  # nothing added
    assert "0 added" in output and "2 errors" in output


def test_update_exit_codes(tmp_path: Path, server) -> None:
    only_broken = _review(tmp_path / "a", "--base-url", server.base_url)
    (only_broken / "papers" / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    code, output = run("update", str(only_broken), "--no-progress")
    assert code == 2, output  # the only paper failed: nothing done
    mixed = _review(tmp_path / "b", "--base-url", server.base_url)
    (mixed / "papers" / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    paper_pdf(mixed / "papers", 0)
    code, output = run("update", str(mixed), "--no-progress")
    assert code == 1, output  # one record made, one paper failed


def test_update_takes_base_url_and_model(tmp_path: Path, server) -> None:
    review = _review(tmp_path)  # no server in review.toml, no key in the environment
    paper_pdf(review / "papers", 0)
    code, output = run("update", str(review), "--no-progress")
    assert code == 2 and "pass --base-url" in output  # ... which `update` now takes
    with FakeOpenAIServer() as gone:
        unreachable = gone.base_url
    code, output = run("update", str(review), "--base-url", unreachable, "--no-progress")
    assert code == 2 and f"cannot reach the server at {unreachable}" in output
    assert "base_url" not in tomllib.loads((review / "review.toml").read_text())

    args = ["--base-url", server.base_url, "--model", "other-model", "--no-progress"]
    code, output = run("update", str(review), *args)
    assert code == 0, output
    saved = tomllib.loads((review / "review.toml").read_text())
    assert saved["base_url"] == server.base_url and saved["model"] == "other-model"
    assert {body["model"] for body in server.requests} == {"other-model"}
    sent = len(server.requests)
    code, output = run("update", str(review), "--no-progress")  # the saved settings hold
    assert code == 0 and len(server.requests) == sent, output


def test_every_review_command_says_nothing_done_with_2(tmp_path: Path, server) -> None:
    review = _review(tmp_path, "--base-url", server.base_url)
    paper_pdf(review / "papers", 0)
    assert run("update", str(review), "--no-progress")[0] == 0
    no_review = tmp_path / "nothing"
    assert run("init", str(review), "--form", "fm_imaging")[0] == 2  # already a review
    for command in ("status", "update", "add", "export"):
        extra = [str(paper_pdf(tmp_path / "x", 5))] if command == "add" else []
        code, output = run(command, str(no_review), *extra)
        assert code == 2 and "not a review" in output, (command, output)
    assert run("status", str(review))[0] == 0
    assert run("history", str(review), "trial0")[0] == 0
    assert run("history", str(review), "nosuchpaper")[0] == 2
    assert run("diff", str(review))[0] == 0
    assert run("diff", str(review), "--from", "7")[0] == 2
    code, output = run("correct", str(review), "trial0", "participants", "many", "--by", "ana")
    assert code == 2 and "participants" in output
    assert run("correct", str(review), "trial0", "participants", "101", "--by", "ana")[0] == 0
    assert run("export", str(review), "--format", "docx")[0] == 2
    assert run("export", str(review))[0] == 0
    missing_csv = tmp_path / "missing.csv"
    assert run("import-corrections", str(review), str(missing_csv), "--by", "ana")[0] == 2


def test_update_reports_each_bad_target_line_and_goes_on(tmp_path: Path, server) -> None:
    """Issue 19 item 15 for a review: a bad line in targets.jsonl is one error, not a stop."""
    targets = tmp_path / "targets.jsonl"
    good = '{"paper_id": "trial0", "target_id": "1", "intervention": "a", "comparator": "b", '
    targets.write_text(
        "\ufeff"
        + good
        + '"outcome": "mortality"}\n'
        + good.replace('"1"', '"2"')
        + '"outcome": ""}\n',
        encoding="utf-8",
    )
    review = tmp_path / "review"
    args = ["--targets", str(targets), "--base-url", server.base_url, "--model", "fake-model"]
    assert run("init", str(review), "--form", "rct_outcomes", *args)[0] == 0
    paper_pdf(review / "papers", 0)
    code, output = run("update", str(review), "--no-progress")
    assert code == 1, output  # one target extracted, one bad line
    assert "line 2: outcome: must not be empty" in output
    code, output = run("status", str(review))
    assert code == 0 and "1 up to date" in output, output
