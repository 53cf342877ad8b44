"""Batch extraction throughput against the loopback server answering after DELAY seconds.

One run measures, on N synthetic papers (rct_outcomes, one target each, so one
call per paper; parsing is left out to time the LLM side only):
  1. concurrency C against concurrency 1 (does the batch overlap its calls?);
  2. an unchanged re-run into the same out dir (records up to date: skipped) and
     into a fresh out dir (every answer from the response cache), against run 1.

    .venv/bin/python bench/extract_throughput.py [--n 40] [--concurrency 8] [--delay 1.0]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

import support_path  # noqa: F401  (tests/support, the test doubles, on sys.path)
from doubles.openai_server import FakeOpenAIServer, Reply, schema_responder

from extractor.batch import run_batch
from extractor.document import Document, PageSpan, SourceInfo
from extractor.llm.cache import ResponseCache
from extractor.llm.openai_backend import OpenAIBackend
from extractor.record_maker import RecordMaker
from extractor.targets import Target
from schemas.registry import load_form


def paper(i: int) -> Document:
    text = (
        f"Trial {i}: aspirin after stroke\n\nAbstract\nWe randomised {100 + i} patients.\n\n"
        f"Results\nDeath occurred in {i} of 60 patients on aspirin and {i + 5} of 60 on placebo."
    )
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(
        source=SourceInfo(path=f"P{i:03d}.pdf", sha256=sha, pages=1),
        text=text,
        page_map=[PageSpan(page=1, char_start=0, char_end=len(text))],
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()

    form = load_form("rct_outcomes")
    docs = [paper(i) for i in range(args.n)]
    targets = {
        d.paper_id: [
            Target(
                paper_id=d.paper_id,
                target_id="1",
                intervention="aspirin",
                comparator="placebo",
                outcome="death",
            )
        ]
        for d in docs
    }

    def slow(body: dict) -> Reply:
        answer = schema_responder(body)
        return Reply.ok(answer.content, delay=args.delay)

    with FakeOpenAIServer(responder=slow) as server, tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        backend = OpenAIBackend("fake-model", base_url=server.base_url, api_key="sk-bench")

        def timed(out: str, concurrency: int, cache: ResponseCache | None) -> tuple[float, int]:
            before = len(server.requests)
            extractor = RecordMaker(form, backend, cache=cache)
            started = time.perf_counter()
            summary = run_batch(
                docs,
                extractor,
                out_dir=root / out,
                targets=targets,
                concurrency=concurrency,
                progress=False,
            )
            seconds = time.perf_counter() - started
            assert summary.errors == 0, summary.error_lines[:3]
            return seconds, len(server.requests) - before

        serial, serial_requests = timed("serial", 1, None)
        with ResponseCache(root / "cache.sqlite") as cache:
            parallel, parallel_requests = timed("parallel", args.concurrency, cache)
            rerun, rerun_requests = timed("parallel", args.concurrency, cache)
            cached, cached_requests = timed("fresh", args.concurrency, cache)
        lines = (root / "parallel" / "records.jsonl").read_text().splitlines()

    print(f"{args.n} papers, 1 call each, server answers after {args.delay:g} s")
    print(f"concurrency 1           : {serial:6.2f} s  {serial_requests:3d} requests")
    print(
        f"concurrency {args.concurrency:<2d}          : {parallel:6.2f} s  "
        f"{parallel_requests:3d} requests  -> {serial / parallel:.1f}x faster (target >= 6x)"
    )
    print(
        f"unchanged re-run        : {rerun:6.3f} s  {rerun_requests:3d} requests  "
        f"-> {parallel / rerun:.0f}x faster than the first run (target: 0 requests, >= 20x)"
    )
    print(
        f"fresh out dir, cached   : {cached:6.3f} s  {cached_requests:3d} requests  "
        f"-> {parallel / cached:.0f}x faster than the first run"
    )
    print(f"records.jsonl after the re-run: {len(lines)} lines for {args.n} papers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
