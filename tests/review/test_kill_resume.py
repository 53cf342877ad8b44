"""A real `kill -9` of `litextract update` mid-batch: the next update resumes, and every
paper ends with exactly one model version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from doubles.openai_server import FakeOpenAIServer, Reply, schema_responder
from review_testdata import model_versions
from test_review_e2e import FORM_YAML, markers, paper_pdf
from typer.testing import CliRunner

import extractor.cli.review_cmd  # noqa: F401  (registers the review commands)
from extractor.cli import app
from extractor.review.store import ReviewStore

N_PAPERS = 6
DELAY = 0.4  # seconds per request, so the kill lands while requests are in flight


def slow_responder(body: dict[str, Any]) -> Reply:
    reply = schema_responder(body)
    return Reply.ok(reply.content, delay=DELAY)


def test_kill_9_mid_batch_then_resume(tmp_path: Path) -> None:
    review = tmp_path / "review"
    form = tmp_path / "trial_basics.yaml"
    form.write_text(FORM_YAML, encoding="utf-8")
    with FakeOpenAIServer(slow_responder) as server:
        runner = CliRunner()
        args = ["init", str(review), "--form", str(form), "--model", "fake-model"]
        result = runner.invoke(app, [*args, "--base-url", server.base_url, "--concurrency", "2"])
        assert result.exit_code == 0, result.output
        for i in range(N_PAPERS):
            paper_pdf(review / "papers", i)
        # Files found together are registered in name order: this copy comes after trial0.
        (review / "papers" / "z-copy-of-trial0.pdf").write_bytes(
            (review / "papers" / "trial0.pdf").read_bytes()
        )

        env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
        update = subprocess.Popen(
            [sys.executable, "-c", "from extractor.cli import main; main()", "update",
             str(review), "--no-progress"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            store_exists = (review / "review.sqlite").exists()
            done = sum(model_versions(review).values()) if store_exists else 0
            if done >= 2 or update.poll() is not None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert update.poll() is None, "update finished before it could be killed"
        os.kill(update.pid, signal.SIGKILL)
        update.wait()
        assert update.returncode == -signal.SIGKILL

        before = model_versions(review)
        assert 2 <= sum(before.values()) < N_PAPERS
        assert all(n == 1 for n in before.values())
        sent_before = len(server.requests)

        result = runner.invoke(app, ["update", str(review), "--no-progress"])
        assert result.exit_code == 0, result.output
        assert "resumed after" in result.output and "run 1" in result.output

        after = model_versions(review)
        assert after == {f"trial{i}": 1 for i in range(N_PAPERS)}  # each exactly once
        resumed_papers = {m for s in markers(server.requests[sent_before:]) for m in s}
        assert resumed_papers  # the papers in flight at the kill were asked again...
        assert not resumed_papers & {int(p[5:]) for p in before}  # ...the committed ones not

        with ReviewStore(review / "review.sqlite") as store:
            runs = store.runs()
            assert [r.status for r in runs] == ["interrupted", "finished"]
            copy = store.paper("z-copy-of-trial0")
            assert copy is not None and copy.status == "duplicate"
            assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
