"""The SQLite response cache: hits cost no requests, keys are exact, no secrets stored."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

from doubles import Reply
from llm_testdata import ANSWER

from extractor.llm.base import ChatResponse
from extractor.llm.cache import CacheKey, ResponseCache
from extractor.llm.openai_backend import OpenAIBackend
from schemas.record import TokenUsage

KEY = CacheKey("openai", "gpt-4o-mini", "p" * 64, "f" * 64, "i" * 64)


def response(data=ANSWER) -> ChatResponse:
    return ChatResponse(
        data=data,
        raw="{}",
        model="gpt-4o-mini-2024-07-18",
        structured_mode="json_schema",
        usage=TokenUsage(prompt_tokens=1200, completion_tokens=80),
        requests=3,
    )


def test_round_trip_marks_hits_as_cached_and_free(tmp_path):
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        assert cache.get(KEY) is None
        cache.put(KEY, response())
        hit = cache.get(KEY)
    assert hit is not None
    assert hit.data == ANSWER and hit.cached and hit.requests == 0
    assert hit.usage.prompt_tokens == 1200 and hit.structured_mode == "json_schema"
    assert hit.model == "gpt-4o-mini-2024-07-18"


def test_every_key_part_matters(tmp_path):
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        cache.put(KEY, response())
        for field in ("backend", "model", "prompt_hash", "form_hash", "input_hash"):
            other = CacheKey(**{**KEY.__dict__, field: "changed"})
            assert cache.get(other) is None, field


def test_put_replaces_and_survives_reopening(tmp_path):
    path = tmp_path / "cache.sqlite"
    with ResponseCache(path) as cache:
        cache.put(KEY, response({"a": 1}))
        cache.put(KEY, response({"a": 2}))
        assert len(cache) == 1
    with ResponseCache(path) as cache:
        assert cache.get(KEY).data == {"a": 2}


def test_threads_share_one_cache(tmp_path):
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        keys = [CacheKey("b", "m", "p", "f", str(i)) for i in range(50)]
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: cache.put(k, response({"k": k.input_hash})), keys))
            hits = list(pool.map(cache.get, keys))
        assert [h.data["k"] for h in hits] == [str(i) for i in range(50)]


def test_another_process_sees_the_entries(tmp_path):
    path = tmp_path / "cache.sqlite"
    with ResponseCache(path) as cache:
        cache.put(KEY, response())
    script = textwrap.dedent(
        f"""
        from extractor.llm.cache import CacheKey, ResponseCache
        from extractor.llm.base import ChatResponse
        cache = ResponseCache({str(path)!r})
        assert cache.get(CacheKey(*{tuple(KEY.__dict__.values())!r})).data == {ANSWER!r}
        answer = ChatResponse({{"ok": 1}}, "", "m", "json_schema")
        cache.put(CacheKey("x", "y", "z", "w", "v"), answer)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    with ResponseCache(path) as cache:
        assert cache.get(CacheKey("x", "y", "z", "w", "v")).data == {"ok": 1}


def test_a_cached_answer_holds_no_api_key(tmp_path, server, policy, request_):
    secret = "sk-cache-SECRET-987654321"
    server.script(Reply.ok(ANSWER))
    inner = OpenAIBackend("fake-model", base_url=server.base_url, api_key=secret, retry=policy)
    key = CacheKey.for_request(inner, request_)
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        cache.put(key, inner.complete(request_))
        hit = cache.get(key)
    assert hit is not None and hit.data == ANSWER and hit.cached and hit.requests == 0
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert secret.encode() not in stored and ANSWER["model_name"].encode() in stored
