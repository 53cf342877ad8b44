"""The response cache belongs to the user, not to an output folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from doubles.openai_server import Reply
from extract_helpers import TRIAL_PAGES, make_pdf, rct_answer
from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.llm.cache import default_cache_path

_register()
runner = CliRunner()


def _papers(tmp_path: Path, n: int = 3) -> tuple[Path, Path]:
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    lines = []
    for i in range(n):
        make_pdf(pdfs / f"PMC{i}.pdf", [*TRIAL_PAGES, f"Appendix\nTrial number {i}."])
        lines.append(
            {
                "paper_id": f"PMC{i}",
                "target_id": i,
                "intervention": "aspirin",
                "comparator": "placebo",
                "outcome": "death",
            }
        )
    targets = tmp_path / "targets.jsonl"
    targets.write_text("\n".join(json.dumps(line) for line in lines))
    return pdfs, targets


def _args(pdfs: Path, targets: Path, out: Path, url: str) -> list[str]:
    return [
        "extract",
        str(pdfs),
        "--form",
        "rct_outcomes",
        "--targets",
        str(targets),
        "--out",
        str(out),
        "--base-url",
        url,
        "--model",
        "fake-model",
        "--no-progress",
    ]


def test_a_second_output_folder_sends_no_request(tmp_path: Path, server, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pdfs, targets = _papers(tmp_path)
    server.responder = lambda body: Reply.ok(rct_answer())
    first = runner.invoke(app, _args(pdfs, targets, tmp_path / "run1", server.base_url))
    assert first.exit_code == 0, first.output
    assert len(server.requests) == 3
    second = runner.invoke(app, _args(pdfs, targets, tmp_path / "run2", server.base_url))
    assert second.exit_code == 0, second.output
    assert len(server.requests) == 3  # every answer came from the per-user cache
    run2 = [json.loads(x) for x in (tmp_path / "run2" / "records.jsonl").read_text().splitlines()]
    assert len(run2) == 3 and all(r["provenance"]["cached"] for r in run2)
    assert default_cache_path().is_file()
    assert not (tmp_path / "run1" / "cache.sqlite").exists()


def test_two_processes_share_the_cache_without_error(tmp_path: Path, server) -> None:
    pdfs, targets = _papers(tmp_path, n=6)
    server.responder = lambda body: Reply.ok(rct_answer(), delay=0.05)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    code = "import sys; from extractor.cli import main; sys.argv[0] = 'litextract'; main()"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                code,
                *_args(pdfs, targets, tmp_path / f"p{i}", server.base_url),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for proc in runs:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and "error" not in err.lower(), err
    assert 6 <= len(server.requests) <= 12  # each question asked at most once per process
    third = runner.invoke(app, _args(pdfs, targets, tmp_path / "p3", server.base_url))
    assert third.exit_code == 0, third.output
    asked = len(server.requests)
    again = runner.invoke(app, _args(pdfs, targets, tmp_path / "p4", server.base_url))
    assert again.exit_code == 0 and len(server.requests) == asked
    # Every entry both processes wrote is whole: each one reads back as a validated answer.
    from extractor.llm.cache import ResponseCache

    with ResponseCache(default_cache_path()) as cache:
        assert cache.info().entries == 6


def test_cache_info_and_clear(tmp_path: Path, server, monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pdfs, targets = _papers(tmp_path, n=2)
    server.responder = lambda body: Reply.ok(rct_answer())
    assert runner.invoke(app, _args(pdfs, targets, tmp_path / "o", server.base_url)).exit_code == 0
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 0, info.output
    assert str(default_cache_path()) in info.output.replace("\n", "")
    assert "2 answers" in info.output and "openai fake-model" in info.output
    cleared = runner.invoke(app, ["cache", "clear", "--model", "other", "--yes"])
    assert "deleted 0 cached answers" in cleared.output
    cleared = runner.invoke(app, ["cache", "clear", "--yes"])
    assert cleared.exit_code == 0 and "deleted 2 cached answers" in cleared.output
    assert "0 answers" in runner.invoke(app, ["cache", "info"]).output
