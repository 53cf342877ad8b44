"""Where a chat server is, and what follows from it: the URL we may show, and how
long to wait for it.

A server on this machine or a private network (llama.cpp, Ollama, LM Studio, vLLM on
a laptop or a lab box) may take minutes for one structured answer on a CPU; a remote
API that says nothing for two minutes is in trouble. So the read timeout (the longest
silence between two streamed chunks, or before a non-streamed answer) defaults to
LOCAL_TIMEOUT for loopback and private addresses and REMOTE_TIMEOUT elsewhere.
`--timeout`, the review config's `timeout` and LITEXTRACT_TIMEOUT override it.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit, urlunsplit

import httpx

from schemas.errors import LitextractError

LOCAL_TIMEOUT = 1800.0
REMOTE_TIMEOUT = 120.0
TIMEOUT_ENV = "LITEXTRACT_TIMEOUT"
LOCAL_NAMES = frozenset({"localhost", "host.docker.internal"})
CHECK_TIMEOUT = 10.0  # seconds for the one reachability check before a batch


class ServerUnreachableError(LitextractError):
    """A chat server that cannot be used at all: a malformed URL, no answer, a refused key."""


def check_url_form(url: str) -> None:
    """Refuse a base URL that is not http(s)://HOST...: caught before any paper is read,
    not after every paper's retries (`127.0.0.1:8080` parses as a path, not a host)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return
    hint = f"; did you mean http://{url}?" if "://" not in url else ""
    raise ServerUnreachableError(f"base URL {url!r} is not an http:// or https:// URL{hint}")


def check_reachable(base_url: str, headers: dict[str, str] | None = None) -> None:
    """One GET of `{base_url}/models` before a batch: fail fast, naming the server, when
    nothing answers there or it refuses the key. Any other answer (even a 404 from a
    server without that route) shows a server is there."""
    url = base_url.rstrip("/") + "/models"
    shown = safe_url(base_url).rstrip("/")
    try:
        response = httpx.get(url, headers=headers or {}, timeout=CHECK_TIMEOUT)
    except httpx.TimeoutException:
        raise ServerUnreachableError(
            f"no answer from the server at {shown} within {CHECK_TIMEOUT:g} s"
        ) from None
    except httpx.HTTPError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ServerUnreachableError(f"cannot reach the server at {shown}: {reason}") from None
    if response.status_code in (401, 403):
        raise ServerUnreachableError(
            f"the server at {shown} refused the API key (HTTP {response.status_code})"
        )


def safe_url(url: str) -> str:
    """The URL without user:password and query (where keys hide), for logs and records."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal: urlsplit dropped its brackets
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc, query="", fragment=""))


def is_local(url: str | None) -> bool:
    """True for loopback, private-network and link-local servers (and `*.local` names)."""
    if not url:
        return False
    host = (urlsplit(url).hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith((".local", ".localhost", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def is_loopback(url: str | None) -> bool:
    """True when the server runs on this machine (we can ask it about its slots)."""
    host = (urlsplit(url or "").hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_timeout(timeout: float | None, base_url: str | None) -> float:
    """The read timeout in seconds: the one given, else LITEXTRACT_TIMEOUT, else by host."""
    if timeout is None and (env := os.environ.get(TIMEOUT_ENV, "").strip()):
        try:
            timeout = float(env)
        except ValueError:
            raise ValueError(f"{TIMEOUT_ENV}={env!r} is not a number of seconds") from None
    if timeout is not None:
        if timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout:g}")
        return float(timeout)
    return LOCAL_TIMEOUT if is_local(base_url) else REMOTE_TIMEOUT
