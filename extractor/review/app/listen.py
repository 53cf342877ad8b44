"""Where the app listens: the socket, bound before any URL is printed, and the URLs a
reviewer and colleagues can open.

Binding first is what makes the printed URL true: when the port is taken, the URL would
open the other program's server, so nothing is printed but the error naming the port.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import socket
from dataclasses import dataclass

from extractor.review.app.security import is_loopback
from schemas.errors import LitextractError

# One DNS label, then dot-separated labels: what a colleague types in a browser.
_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
# A documentation address (RFC 5737): connecting a UDP socket to it sends nothing, but
# tells which local address the machine would use to reach other hosts.
_PROBE = ("192.0.2.1", 9)


class ListenError(LitextractError):
    """The app cannot listen where it was asked to (the message names host and port)."""


@dataclass(frozen=True)
class Url:
    who: str  # "this machine" | "colleagues"
    url: str


def allowed_name(text: str) -> str:
    """A --allowed-host value as the Host check compares it (lowercase, no trailing dot)."""
    name = text.strip().lower().rstrip(".")
    if _is_ip(name.strip("[]")) or _HOST_NAME.match(name):
        return name.strip("[]")
    raise ListenError(f"--allowed-host {text!r} is not a host name (like review.example.org)")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port, or ListenError in one line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = "127.0.0.1" if host == "localhost" else host.strip("[]")
    sock = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn does: a restarted server may reuse a port whose old connections linger;
    # a port another program listens on is still refused (EADDRINUSE).
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ListenError(
                f"port {port} on {host} is already in use by another program: "
                "stop it or choose another port with --port"
            ) from None
        reason = exc.strerror or str(exc)
        raise ListenError(f"cannot listen on {host} port {port}: {reason}") from None
    return sock


def urls(host: str, port: int, token: str | None, allowed: tuple[str, ...] = ()) -> list[Url]:
    """The addresses to open: never a wildcard like http://0.0.0.0, which browsers on other
    machines cannot use; every --allowed-host name too."""
    query = f"?token={token}" if token else ""

    def url(name: str) -> str:
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/{query}"

    if host == "localhost":
        return [Url("this machine", url("127.0.0.1"))]
    bound = host.strip("[]")
    if not _is_unspecified(bound):
        return [Url("this machine" if is_loopback(bound) else "colleagues", url(bound))] + [
            Url("colleagues", url(name)) for name in allowed
        ]
    loopback = "::1" if ":" in bound else "127.0.0.1"
    out = [Url("this machine", url(loopback))]
    out += [Url("colleagues", url(a)) for a in local_addresses(ipv6=":" in bound)]
    out += [Url("colleagues", url(name)) for name in allowed]
    return out


def local_addresses(*, ipv6: bool = False) -> list[str]:
    """This machine's addresses others can reach it at (no loopback, no link-local)."""
    found: list[str] = []
    families = [socket.AF_INET, socket.AF_INET6] if ipv6 else [socket.AF_INET]
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, type=socket.SOCK_STREAM)
    except OSError:
        infos = []
    found += [str(info[4][0]) for info in infos if info[0] in families]
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            found.append(str(probe.getsockname()[0]))
    except OSError:
        pass  # no route: no network to offer
    usable = []
    for text in dict.fromkeys(found):
        address = ipaddress.ip_address(text.split("%")[0])
        if not (address.is_loopback or address.is_link_local or address.is_unspecified):
            usable.append(text)
    return usable


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_unspecified(text: str) -> bool:
    return _is_ip(text) and ipaddress.ip_address(text).is_unspecified
