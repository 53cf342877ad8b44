"""Real `litextract` processes on one output folder: the folder lock (issue 21), folder
batches with repeated file names, Ctrl+C, exit codes and up-front server checks (issue 19).

Processes are real (subprocess) where the behaviour is about processes: two runs at
once, `kill -9`, a terminal's Ctrl+C sent to the whole process group.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from doubles.openai_server import FakeOpenAIServer, Reply
from extract_helpers import TRIAL_PAGES, make_pdf, rct_answer
from typer.testing import CliRunner

from eval.yun2024 import gold_records, write_jsonl
from extractor.cli import _register, app
from extractor.folder_lock import OWNER_NAME

_register()
runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_ambient_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


@pytest.fixture
def slow_server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(lambda body: Reply.ok(rct_answer(), delay=1.0)) as server:
        yield server


def _trials(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        make_pdf(folder / f"PMC{i}.pdf", [*TRIAL_PAGES, f"Appendix\nTrial number {i}."])
    return folder


def _targets(path: Path, paper_ids: list[str]) -> Path:
    lines = [
        {"paper_id": p, "target_id": "1", "intervention": "aspirin", "comparator": "placebo",
         "outcome": "death"}
        for p in paper_ids
    ]  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _extract_args(pdfs: Path, targets: Path, out: Path, base_url: str) -> list[str]:
    return [
        "extract", str(pdfs), "--form", "rct_outcomes", "--targets", str(targets),
        "--out", str(out), "--base-url", base_url, "--model", "fake-model",
        "--concurrency", "1", "--no-progress",
    ]  # fmt: skip


class Run:
    """A real `litextract` process. Output goes to files, not pipes: parse workers
    orphaned by a `kill -9` would keep a pipe open for as long as they live."""

    def __init__(self, args: list[str], logs: Path, **kw: Any) -> None:
        env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
        env["PYTHONPATH"] = str(REPO)
        logs.mkdir(parents=True, exist_ok=True)
        self._out = logs / f"{time.monotonic_ns()}.out"
        self._err = self._out.with_suffix(".err")
        with self._out.open("w") as out, self._err.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "from extractor.cli import main; main()", *args],
                env=env, stdout=out, stderr=err, **kw,
            )  # fmt: skip
        self.pid = self.proc.pid

    def wait(self, timeout: float = 120) -> int:
        return self.proc.wait(timeout)

    @property
    def stdout(self) -> str:
        return self._out.read_text()

    @property
    def stderr(self) -> str:
        return self._err.read_text()


def _wait_for(condition: Callable[[], bool], run: Run, what: str) -> None:
    deadline = time.monotonic() + 90
    while not condition():
        assert run.proc.poll() is None, f"the run ended before {what}: {run.stderr}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _children(pid: int) -> list[int]:
    listed = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    )
    return [int(x) for x in listed.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited; only its parent's reaping is left


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def _keys(records: list[dict[str, object]]) -> list[tuple[object, object]]:
    return sorted((r["paper_id"], r["target_id"]) for r in records)


def _row(output: str, name: str) -> str:
    line = next(x for x in output.splitlines() if name in x)
    return line.replace("│", " ").split()[-1]


def _one_refused(runs: list[Run], out: Path) -> tuple[Run, Run]:
    """Two runs started at once into `out`: (the one that ran, the one refused)."""
    codes = [run.wait(180) for run in runs]
    assert sorted(codes) == [0, 2], [run.stderr for run in runs]
    ran, refused = (runs[0], runs[1]) if codes[0] == 0 else (runs[1], runs[0])
    message = " ".join(refused.stderr.split())
    assert f"{out} is in use by another litextract run (pid {ran.pid})" in message
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    assert not (out / OWNER_NAME).exists()  # released at the end
    return ran, refused


def test_second_extract_into_the_same_folder_is_refused(tmp_path: Path, slow_server) -> None:
    """Issue 21: one run refused at once (exit 2, folder and pid named), the other whole."""
    pdfs = _trials(tmp_path / "pdfs", 3)
    targets = _targets(tmp_path / "t.jsonl", ["PMC0", "PMC1", "PMC2"])
    out = tmp_path / "out"
    args = _extract_args(pdfs, targets, out, slow_server.base_url)
    ran, _ = _one_refused([Run(args, tmp_path / "logs"), Run(args, tmp_path / "logs")], out)
    records = _lines(out / "records.jsonl")
    assert _keys(records) == [("PMC0", "1"), ("PMC1", "1"), ("PMC2", "1")]
    assert _row(ran.stdout, "records written") == "3"


def test_extract_killed_with_sigkill_then_resumed(tmp_path: Path, slow_server) -> None:
    """Issue 21: the stale lock of a `kill -9` does not block; no record twice."""
    pdfs = _trials(tmp_path / "pdfs", 4)
    ids = [f"PMC{i}" for i in range(4)]
    targets = _targets(tmp_path / "t.jsonl", ids)
    out = tmp_path / "out"
    args = _extract_args(pdfs, targets, out, slow_server.base_url)
    killed = Run(args, tmp_path / "logs")
    records = out / "records.jsonl"
    _wait_for(
        lambda: records.is_file() and records.read_text().count("\n") >= 1, killed, "a record"
    )
    workers = _children(killed.pid)  # the parse pool's processes
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait() == -signal.SIGKILL
    assert (out / OWNER_NAME).read_text() == str(killed.pid)  # the stale pid file is left
    deadline = time.monotonic() + 15
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers and not any(map(_alive, workers))  # no orphaned parse worker lingers
    kept = len(_lines(records))
    assert 1 <= kept < 4

    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _keys(_lines(records)) == [(p, "1") for p in ids]  # each once
    assert _row(result.output, "records up to date") == str(kept)
    assert _row(result.output, "records written") == str(4 - kept)


def test_parse_out_is_locked_and_resumes_after_sigkill(tmp_path: Path) -> None:
    """Issue 21 for `parse --out`: a second run refused; after `kill -9`, a new run
    starts and leaves one file per paper, no half-written temporary files."""
    pdfs = tmp_path / "pdfs"
    pdfs.mkdir()
    n = 40
    for i in range(n):
        make_pdf(pdfs / f"p{i:02}.pdf", [*TRIAL_PAGES] * 6)
    out = tmp_path / "parsed"
    args = ["parse", str(pdfs), "--out", str(out), "--workers", "1", "--no-progress"]
    # Parsing is fast enough that two runs started together need not overlap at all: the
    # first is paused while it holds the folder, and the second starts then.
    first = Run(args, tmp_path / "logs")
    _wait_for(lambda: (out / OWNER_NAME).exists(), first, "the first run took the folder")
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = Run(args, tmp_path / "logs")
        assert second.wait(180) == 2, second.stderr
    finally:
        os.kill(first.pid, signal.SIGCONT)
    _one_refused([first, second], out)
    assert len(list(out.glob("*.json"))) == n
    for f in out.glob("*.json"):
        f.unlink()
    killed = Run(args, tmp_path / "logs")
    _wait_for(lambda: len(list(out.glob("*.json"))) >= 2, killed, "two papers parsed")
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait() == -signal.SIGKILL
    assert len(list(out.glob("*.json"))) < n

    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"parsed {n} of {n} PDF(s)" in result.output
    files = sorted(out.glob("*.json"))
    assert [f.stem for f in files] == [f"p{i:02}" for i in range(n)]  # one file per paper
    assert all(json.loads(f.read_text())["source"]["pages"] == 12 for f in files)
    assert list(out.glob(".*.tmp")) == []


def _same_names(root: Path) -> tuple[Path, Path, str]:
    """a/paper.pdf and b/paper.pdf: two different trials under one file name."""
    a = make_pdf(_dir(root / "a") / "paper.pdf", [*TRIAL_PAGES, "Appendix\nTrial A."])
    b = make_pdf(_dir(root / "b") / "paper.pdf", [*TRIAL_PAGES, "Appendix\nTrial B."])
    renamed = f"paper__{hashlib.sha256(b.read_bytes()).hexdigest()[:8]}"
    return a, b, renamed


def _dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_parse_folder_with_repeated_file_names_keeps_both(tmp_path: Path) -> None:
    """Issue 19 item 2: two files named paper.pdf are two papers; counts match the disk."""
    a, b, renamed = _same_names(tmp_path / "in")
    out = tmp_path / "p"
    result = runner.invoke(app, ["parse", str(tmp_path / "in"), "--out", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "parsed 2 of 2 PDF(s)" in result.output
    text = " ".join(result.output.split())
    assert f"{b}: paper id 'paper' is already {a}'s; this paper is '{renamed}'" in text
    assert sorted(f.stem for f in out.glob("*.json")) == ["paper", renamed]
    assert json.loads((out / f"{renamed}.json").read_text())["source"]["paper_id"] == renamed


def test_extract_folder_with_repeated_file_names_keeps_both(tmp_path: Path, server) -> None:
    _a, _b, renamed = _same_names(tmp_path / "in")
    server.responder = lambda body: Reply.ok(rct_answer())
    targets = _targets(tmp_path / "t.jsonl", ["paper", renamed])
    out = tmp_path / "o"
    result = runner.invoke(app, _extract_args(tmp_path / "in", targets, out, server.base_url))
    assert result.exit_code == 0, result.output
    assert _keys(_lines(out / "records.jsonl")) == [("paper", "1"), (renamed, "1")]
    assert _row(result.output, "records written") == "2"
    assert f"this paper is '{renamed}'" in " ".join(result.output.split())


def test_ctrl_c_during_extract_exits_130_without_worker_tracebacks(
    tmp_path: Path, slow_server
) -> None:
    """Issue 19 item 10: Ctrl+C reaches the whole process group, parse workers included."""
    pdfs = _trials(tmp_path / "pdfs", 6)
    targets = _targets(tmp_path / "t.jsonl", [f"PMC{i}" for i in range(6)])
    out = tmp_path / "out"
    args = _extract_args(pdfs, targets, out, slow_server.base_url)
    proc = Run(args, tmp_path / "logs", start_new_session=True)
    records = out / "records.jsonl"
    _wait_for(lambda: records.is_file() and records.read_text().count("\n") >= 1, proc, "a record")
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does on Ctrl+C
    assert proc.wait(60) == 130, proc.stderr
    stderr = proc.stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert "interrupted: finished records are kept" in " ".join(stderr.split())
    kept = _lines(records)
    assert 1 <= len(kept) < 6  # finished records are whole and kept


def test_exit_codes_parse_and_extract(tmp_path: Path, server) -> None:
    """Issue 19 item 12: 0 done, 1 some inputs failed, 2 nothing done, for both."""
    server.responder = lambda body: Reply.ok(rct_answer())
    good = make_pdf(_dir(tmp_path / "in") / "PMC0.pdf", TRIAL_PAGES)
    bad = tmp_path / "in" / "PMC9.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    only_bad = _dir(tmp_path / "bad")
    (only_bad / "PMC9.pdf").write_bytes(b"%PDF-1.4 not really")
    targets = _targets(tmp_path / "t.jsonl", ["PMC0", "PMC9"])

    def code(*args: str) -> int:
        return runner.invoke(app, list(args)).exit_code

    assert code("parse", str(good), "--out", str(tmp_path / "p0"), "--no-progress") == 0
    assert code("parse", str(tmp_path / "in"), "--out", str(tmp_path / "p1"), "--no-progress") == 1
    assert code("parse", str(only_bad), "--out", str(tmp_path / "p2"), "--no-progress") == 2
    base = ["--targets", str(targets), "--base-url", server.base_url, "--no-progress"]
    extract = ["extract", "--form", "rct_outcomes", *base]
    assert code(*extract, str(good), "--out", str(tmp_path / "e0")) == 0
    assert code(*extract, str(tmp_path / "in"), "--out", str(tmp_path / "e1")) == 1
    result = runner.invoke(app, [*extract, str(only_bad), "--out", str(tmp_path / "e2")])
    assert result.exit_code == 2, result.output  # every input failed: nothing done
    assert "PMC9" in result.output


def test_targets_file_problems_are_reported_and_the_rest_run(tmp_path: Path, server) -> None:
    """Issue 19 item 15 through the CLI: a BOM, a bad line, an empty outcome, a target
    for a paper not among the inputs; `eval.yun2024 gold` output accepted as is."""
    server.responder = lambda body: Reply.ok(rct_answer())
    pdfs = _trials(tmp_path / "pdfs", 2)
    good = {"paper_id": "PMC0", "target_id": "1", "intervention": "aspirin",
            "comparator": "placebo", "outcome": "death"}  # fmt: skip
    targets = tmp_path / "t.jsonl"
    targets.write_text(
        "\ufeff" + json.dumps(good) + "\n{not json\n"
        + json.dumps({**good, "target_id": "2", "outcome": ""}) + "\n"
        + json.dumps({**good, "paper_id": "PMC77"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "o"
    result = runner.invoke(app, _extract_args(pdfs, targets, out, server.base_url))
    text = " ".join(result.output.split())
    assert result.exit_code == 1, result.output  # two bad lines (and PMC1 has no target)
    assert f"{targets}: line 2: not valid JSON" in text
    assert f"{targets}: line 3: outcome: must not be empty" in text
    assert "the targets name 1 paper(s) not among the inputs: PMC77" in text
    assert _keys(_lines(out / "records.jsonl")) == [("PMC0", "1")]

    gold = tmp_path / "gold.jsonl"
    rows = [{"pmcid": "0", "id": 5, "intervention": "aspirin", "comparator": "placebo",
             "outcome": "death", "outcome_type": "binary"}]  # fmt: skip
    write_jsonl(gold_records(rows), gold)
    result = runner.invoke(
        app, _extract_args(pdfs / "PMC0.pdf", gold, tmp_path / "g", server.base_url)
    )
    assert result.exit_code == 0, result.output
    assert _keys(_lines(tmp_path / "g" / "records.jsonl")) == [("PMC0", "5")]


def test_unreachable_or_mistyped_server_fails_fast_naming_it(tmp_path: Path) -> None:
    """Issue 19 item 16: one line naming the URL, before any paper is read."""
    pdfs = _trials(tmp_path / "pdfs", 1)
    targets = _targets(tmp_path / "t.jsonl", ["PMC0"])
    with FakeOpenAIServer() as gone:
        url = gone.base_url  # a port nothing listens on once the server has stopped
    for base_url, expected in [
        (url, f"cannot reach the server at {url}"),
        ("127.0.0.1:8080", "base URL '127.0.0.1:8080' is not an http:// or https:// URL; "
         "did you mean http://127.0.0.1:8080?"),
    ]:  # fmt: skip
        started = time.monotonic()
        result = runner.invoke(app, _extract_args(pdfs, targets, tmp_path / "o", base_url))
        assert result.exit_code == 2, result.output
        assert expected in " ".join(result.output.split())
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert time.monotonic() - started < 15
        assert not (tmp_path / "o" / "records.jsonl").exists()


def test_unknown_langchain_provider_is_one_line(tmp_path: Path) -> None:
    """Issue 19 item 7: an LLMError is a LitextractError, so one line and exit 2."""
    pdfs = _trials(tmp_path / "pdfs", 1)
    result = runner.invoke(
        app,
        ["extract", str(pdfs), "--form", "fm_imaging", "--out", str(tmp_path / "o"),
         "--backend", "langchain", "--model", "nosuchprovider:foo", "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error:") and len(result.output.strip().splitlines()) == 1
    assert "nosuchprovider" in result.output and "Traceback" not in result.output
