"""`litextract serve` as a user runs it (issue 19, items 9 and 20): a busy port is one
line and exit 2 with no URL printed; --host 0.0.0.0 prints addresses a browser can use;
--allowed-host lets colleagues use a DNS name, still behind the token."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", "from extractor.cli import main; main()", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _printed_urls(proc: subprocess.Popen[str], timeout: float = 60) -> list[str]:
    """The URLs serve printed, read until its 'not loopback' note (or the end).

    A thread reads the lines: `select` on a buffered text pipe can miss lines that
    one `readline` already pulled into the buffer."""
    assert proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if "not loopback" in line:
            break
    return re.findall(r"http://\S+", "".join(seen))


@pytest.fixture
def listening() -> Iterator[int]:
    """A port another program is listening on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        yield int(other.getsockname()[1])


def test_a_busy_port_is_one_line_exit_2_and_no_url(review: Path, listening: int) -> None:
    proc = _serve(str(review), "--port", str(listening))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "http://" not in out + err  # no URL that would open the other server
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert f"port {listening} on 127.0.0.1 is already in use" in lines[0]
    assert "Traceback" not in err and "Errno" not in err


def test_a_busy_port_on_all_interfaces_too(review: Path, listening: int) -> None:
    proc = _serve(str(review), "--port", str(listening), "--host", "0.0.0.0")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "http://" not in out + err
    assert f"port {listening} on 0.0.0.0 is already in use" in err


def test_all_interfaces_print_usable_urls_and_an_allowed_name_works(review: Path) -> None:
    port = _free_port()
    proc = _serve(str(review), "--port", str(port), "--host", "0.0.0.0",
                  "--allowed-host", "Review.Example.ORG")  # fmt: skip
    try:
        urls = _printed_urls(proc)
        assert urls, "serve printed no URL"
        assert not any("0.0.0.0" in u for u in urls)
        token = re.search(r"\?token=([\w-]+)", urls[0]).group(1)
        assert all(u.endswith(f":{port}/?token={token}") for u in urls)
        assert f"http://review.example.org:{port}/?token={token}" in urls
        hosts = [re.match(r"http://([^:/]+)", u).group(1) for u in urls]
        assert "127.0.0.1" in hosts
        for url in urls:
            if "example.org" in url:
                continue
            response = httpx.get(url, timeout=30)  # the printed address opens this app
            assert response.status_code in (200, 303), (url, response.text)
        # a colleague's browser, sending the allowed name as Host
        named = {"Host": f"review.example.org:{port}"}
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/?token={token}", headers=named).status_code == 303
        assert httpx.get(f"{base}/", headers=named).status_code == 403  # the token still rules
        other = {"Host": f"other.example.org:{port}"}
        assert httpx.get(f"{base}/?token={token}", headers=other).status_code == 400
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def test_a_bad_allowed_host_is_one_line(review: Path) -> None:
    proc = _serve(str(review), "--port", str(_free_port()), "--allowed-host", "evil/x")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "http://" not in out
    assert "--allowed-host 'evil/x' is not a host name" in err


def test_the_exit_code_of_a_busy_port_is_documented() -> None:
    from typer.testing import CliRunner

    from extractor.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.split())
    assert "Exits 2 with one line when the review is unusable or the port is already in use" in text
    assert "--allowed-host" in text
