"""What a chat server on this machine can tell us beyond the OpenAI protocol.

llama.cpp's server (the embedded engine, and anyone's `llama-server`) answers
`/props` (slots and per-slot window), `/slots` (which slot is busy) and `/tokenize`
at its root. We use them only on loopback, and each is optional: a server that lacks
one (Ollama, LM Studio, vLLM) simply gets the protocol-only behaviour.

`SlotGate` keeps our requests to what the server can work on at once, so a queued
request never spends its read timeout waiting for a slot; after a timeout it waits
until the cancelled request has left its slot before the retry goes in (or, if the
server cannot say, sends one request at a time from then on): never a pile of
duplicate prompts on a one-slot server.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from extractor.llm.endpoint import safe_url

log = logging.getLogger(__name__)

PROBE_TIMEOUT = 5.0


class LoopbackServer:
    """The extra endpoints of a loopback server at `root` (its URL without /v1)."""

    def __init__(self, root: str, api_key: str | None) -> None:
        self.root = root.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._props: dict[str, Any] | None = None
        self._props_probed = False
        self._tokenize_ok: bool | None = None
        self._lock = threading.Lock()

    def _get(self, path: str) -> Any:
        try:
            response = httpx.get(self.root + path, headers=self._headers, timeout=PROBE_TIMEOUT)
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    def props(self) -> dict[str, Any] | None:
        with self._lock:
            if not self._props_probed:
                data = self._get("/props")
                self._props = data if isinstance(data, dict) else None
                self._props_probed = True
            return self._props

    @property
    def total_slots(self) -> int | None:
        value = (self.props() or {}).get("total_slots")
        return value if isinstance(value, int) and value > 0 else None

    @property
    def n_ctx(self) -> int | None:
        """The window of one slot, the largest request the server can take."""
        props = self.props() or {}
        value = (props.get("default_generation_settings") or {}).get("n_ctx", props.get("n_ctx"))
        return value if isinstance(value, int) and value > 0 else None

    def busy_slots(self) -> int | None:
        """Slots working on a request now, None when the server does not say."""
        data = self._get("/slots")
        if not isinstance(data, list):
            return None
        return sum(1 for slot in data if isinstance(slot, dict) and slot.get("is_processing"))

    def tokenize(self, text: str) -> int | None:
        """The server's own token count for `text`, None if it has no /tokenize."""
        if self._tokenize_ok is False:
            return None
        try:
            response = httpx.post(
                self.root + "/tokenize",
                json={"content": text},
                headers=self._headers,
                timeout=max(PROBE_TIMEOUT, len(text) / 20_000),
            )
            tokens = response.json().get("tokens") if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            tokens = None
        if not isinstance(tokens, list):
            self._tokenize_ok = False
            return None
        self._tokenize_ok = True
        return len(tokens)


class SlotGate:
    """At most `limit` of our requests in flight to one server (None: no limit)."""

    def __init__(
        self,
        server: LoopbackServer,
        *,
        poll: float = 0.25,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.server = server
        self.poll = poll
        self.sleep = sleep
        self._cond = threading.Condition()
        self._busy = 0
        self._limit: int | None = None
        self._limit_known = False

    @property
    def limit(self) -> int | None:
        if not self._limit_known:
            self._limit = self.server.total_slots
            self._limit_known = True
        return self._limit

    @contextmanager
    def hold(self) -> Iterator[None]:
        self.limit  # noqa: B018  # asks the server once, before the first request
        with self._cond:
            while self._limit is not None and self._busy >= self._limit:
                self._cond.wait()
            self._busy += 1
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()

    def after_timeout(self, max_wait: float) -> None:
        """Before retrying a timed-out request: wait (at most `max_wait` s) until the server
        has dropped it, i.e. no more slots are busy than we have requests in flight."""
        deadline = time.monotonic() + max_wait
        while True:
            busy = self.server.busy_slots()
            if busy is None:  # the server cannot say: never more than one request from now on
                with self._cond:
                    if self._limit is None or self._limit > 1:
                        log.warning(
                            "%s: timed out and has no /slots; sending one request at a time",
                            safe_url(self.server.root),
                        )
                    self._limit, self._limit_known = 1, True
                return
            with self._cond:
                ours = self._busy
            if busy <= ours or time.monotonic() >= deadline:
                return
            self.sleep(self.poll)
