"""What keeps a local app that serves papers and takes writes safe.

- The Host header must name this server (an IP literal, `localhost`, the --host name or
  an --allowed-host name, with our port): a DNS-rebinding page on evil.example reaching
  127.0.0.1 is refused.
- Off loopback, a token printed at start is required on every request (query once,
  then an HttpOnly cookie).
- Writes are POST only; the Origin (or Referer) must be this server, and the form
  must carry the CSRF token of the browser's cookie (double submit).
- Every response forbids framing and inline script (CSP), and pages are not cached.
- Every request body is capped (`MAX_BODY`), whatever its Content-Length claims.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "litextract_token"
CSRF_COOKIE = "litextract_csrf"
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SAFE_METHODS = ("GET", "HEAD")
# The largest form the app takes (a table of a few hundred cells, a note, a quote) is a
# few kB; anything near this is not a reviewer's form.
MAX_BODY = 256 * 1024


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _host_allowed(
    header: str, bound: str, port: int, allowed: frozenset[str] = frozenset()
) -> bool:
    try:
        parts = urlsplit(f"//{header}")
        name, their_port = parts.hostname, parts.port
    except ValueError:
        return False
    if not name or (their_port or 80) != port:
        return False
    if name in ("localhost", bound.strip("[]").lower()) or name.rstrip(".") in allowed:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False  # a DNS name we were not started with: possibly rebinding
    return True


class Guard(BaseHTTPMiddleware):
    def __init__(
        self,
        app: ASGIApp,
        *,
        host: str,
        port: int,
        token: str | None,
        allowed_hosts: tuple[str, ...] = (),
    ) -> None:
        super().__init__(app)
        self.host = host.lower()
        self.port = port
        self.token = token
        self.allowed = frozenset(allowed_hosts)  # names the reviewer chose to trust

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        host_header = request.headers.get("host", "")
        if not _host_allowed(host_header, self.host, self.port, self.allowed):
            return _refuse(400, "unexpected Host header: open the URL litextract serve printed")
        new_token_cookie = False
        if self.token is not None:
            given = request.cookies.get(TOKEN_COOKIE) or request.headers.get("x-litextract-token")
            if not (given and same_secret(given, self.token)):
                given = request.query_params.get("token", "")
                if not same_secret(given, self.token):
                    return _refuse(403, "token required: open the URL litextract serve printed")
                new_token_cookie = True
        if request.method not in SAFE_METHODS:
            if request.method != "POST":
                return _refuse(405, "method not allowed")
            origin = request.headers.get("origin") or _origin_of(request.headers.get("referer"))
            if origin is None or origin != f"{request.url.scheme}://{host_header}":
                return _refuse(403, "cross-origin request refused")
        csrf = request.cookies.get(CSRF_COOKIE)
        new_csrf = csrf is None or len(csrf) < 20
        request.state.csrf = new_token() if new_csrf else csrf
        response = await call_next(request)
        if new_csrf:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        if new_token_cookie:
            response.set_cookie(TOKEN_COOKIE, self.token or "", httponly=True, samesite="strict")
        _harden(response)
        return response


def csrf_ok(request: Request, submitted: str) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and bool(submitted) and same_secret(cookie, submitted)


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets as bytes.

    `secrets.compare_digest` raises TypeError on non-ASCII `str` (a `?token=%C3%A9` would
    be an HTTP 500); as UTF-8 bytes any text compares, and a wrong one is simply unequal.
    Lone surrogates (from undecodable input) pass through rather than raise.
    """
    return secrets.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def _origin_of(referer: str | None) -> str | None:
    if not referer:
        return None
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _harden(response: Response) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")


def _refuse(status: int, message: str) -> Response:
    response = PlainTextResponse(message, status_code=status)
    _harden(response)
    return response


class BodyLimit:
    """Refuses (413) a request body over `limit` bytes: by its Content-Length up front,
    and by counting what arrives, for chunked bodies or a Content-Length that lies.

    The app's bodies are small forms, so the body is read here in full (up to the cap)
    and handed on; the handlers never see a part of an oversized body.
    """

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()  # after the body: only a disconnect can come

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _refuse(413, f"request body too large (at most {self.limit // 1024} kB)")
        await response(scope, receive, send)
