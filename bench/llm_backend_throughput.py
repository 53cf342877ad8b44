"""Backend-layer throughput against the loopback server answering after DELAY seconds.

Measures, in one run: N requests at concurrency C against concurrency 1 (does the
OpenAI backend let calls overlap, mode detection included?), and a re-run through
the response cache against the first run (requests made, speed-up).

    .venv/bin/python bench/llm_backend_throughput.py [--n 40] [--concurrency 8] [--delay 1.0]
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import support_path  # noqa: F401  (tests/support, the test doubles, on sys.path)
from doubles import FakeOpenAIServer, schema_responder

from extractor.llm.base import ChatBackend, ChatRequest, ChatResponse
from extractor.llm.cache import CacheKey, ResponseCache
from extractor.llm.openai_backend import OpenAIBackend

SCHEMA = {
    "type": "object",
    "properties": {"model_name": {"type": "string"}, "dice": {"type": ["number", "null"]}},
    "required": ["model_name", "dice"],
    "additionalProperties": False,
}


def requests_for(n: int) -> list[ChatRequest]:
    return [
        ChatRequest(
            messages=[
                {"role": "system", "content": "Extract the study data."},
                {"role": "user", "content": f"<paper id={i}>A U-Net reached Dice 0.8{i}.</paper>"},
            ],
            schema=SCHEMA,
        )
        for i in range(n)
    ]


def run(backend, requests: list[ChatRequest], concurrency: int) -> tuple[float, int]:
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        responses = list(pool.map(backend.complete, requests))
    return time.perf_counter() - start, sum(r.requests for r in responses)


class CachedBackend:
    """The bench's stand-in for the extractor's cache use: answer repeats from the cache."""

    def __init__(self, inner: ChatBackend, cache: ResponseCache) -> None:
        self.inner, self.cache = inner, cache
        self.name, self.model, self.context_window = inner.name, inner.model, None

    def complete(self, request: ChatRequest) -> ChatResponse:
        key = CacheKey.for_request(self.inner, request)
        if (hit := self.cache.get(key)) is not None:
            return hit
        response = self.inner.complete(request)
        self.cache.put(key, response)
        return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()
    requests = requests_for(args.n)
    responder = functools.partial(schema_responder, delay=args.delay)
    with FakeOpenAIServer(responder, max_lifetime=3600) as server:
        serial_s, _ = run(OpenAIBackend("fake", base_url=server.base_url), requests, 1)
        with tempfile.TemporaryDirectory() as tmp:
            cache = ResponseCache(Path(tmp) / "cache.sqlite")
            backend = CachedBackend(OpenAIBackend("fake", base_url=server.base_url), cache)
            parallel_s, parallel_requests = run(backend, requests, args.concurrency)
            rerun_s, rerun_requests = run(backend, requests, args.concurrency)
            cache.close()
    print(f"{args.n} requests, server delay {args.delay:g} s")
    print(f"concurrency 1:  {serial_s:7.2f} s")
    print(
        f"concurrency {args.concurrency}:  {parallel_s:7.2f} s  "
        f"({serial_s / parallel_s:.1f}x faster than concurrency 1; {parallel_requests} requests)"
    )
    print(
        f"cached re-run:  {rerun_s:7.3f} s  "
        f"({parallel_s / rerun_s:.0f}x faster than the first concurrent run; "
        f"{rerun_requests} requests)"
    )


if __name__ == "__main__":
    main()
