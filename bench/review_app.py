"""Load on the reviewer app: 8 concurrent clients on loopback for a bounded time, mixing
page views and saves; then the render time of a 20-page paper, uncached vs cached.

    .venv/bin/python bench/review_app.py                 # 8 clients, 60 s
    .venv/bin/python bench/review_app.py --seconds 10 --clients 4

The app runs as `litextract serve` in its own process (the clients' threads would
otherwise share its interpreter lock). Each client saves only values of its own share,
so every refused save would be a bug: the error count's target is 0. Latency is per
route: queue, value page, search, page PNG and save (a POST that redirects).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "review_app"))

from app_testdata import build_review  # noqa: E402

from extractor.review.app import pages  # noqa: E402
from extractor.review.store import ReviewStore  # noqa: E402

MIX = (("value", 35), ("queue", 20), ("png", 20), ("search", 10), ("save", 15))
FIELDS = ("study_type", "parameters_millions", "results", "code_available", "year", "backbone")


def make_review(root: Path, papers: int) -> Path:
    specs = {f"paper{n:02d}": {"title": f"Foundation model study {n}"} for n in range(papers)}
    specs["long20"] = {"title": "A twenty-page foundation model paper", "pages": 20}
    return build_review(root, specs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(review: Path, port: int) -> subprocess.Popen:
    code = "import sys; from extractor.cli import main; sys.argv[0] = 'litextract'; main()"
    server = subprocess.Popen(
        [sys.executable, "-c", code, "serve", str(review), "--port", str(port)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/static/app.css", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the app did not start")


class Client(threading.Thread):
    def __init__(self, n: int, base: str, values: list[tuple[str, str]], until: float) -> None:
        super().__init__(daemon=True)
        self.n, self.base, self.until = n, base, until
        self.rng = random.Random(n)
        self.values = values
        self.mine = values[n::8] or values  # saves only here: no two clients race on a value
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.http = httpx.Client(base_url=base, headers={"Origin": base}, timeout=30)

    def _get(self, route: str, url: str) -> httpx.Response | None:
        return self._timed(route, lambda: self.http.get(url))

    def _timed(self, route: str, call: Callable[[], httpx.Response]) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = call()
        except httpx.HTTPError as exc:
            self.errors.append(f"{route}: {exc!r}")
            return None
        self.latency[route].append(time.perf_counter() - start)
        if response.status_code >= 400:
            self.errors.append(f"{route}: HTTP {response.status_code} {response.text[:120]}")
        return response

    def run(self) -> None:
        page = self.http.get("/reviewer")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        self.http.post("/reviewer", data={"csrf": csrf, "name": f"bench{self.n}", "next": "/"})
        routes = [r for r, w in MIX for _ in range(w)]
        while time.monotonic() < self.until:
            route = self.rng.choice(routes)
            paper, field = self.rng.choice(self.values)
            if route == "queue":
                self._get("queue", "/?show=all")
            elif route == "value":
                self._get("value", f"/value/{paper}/{field}")
            elif route == "search":
                self._get("search", f"/value/{paper}/{field}?q=AUC")
            elif route == "png":
                self._get("png", f"/paper/{paper}/page/{self.rng.randint(1, 2)}.png")
            else:
                self._save(*self.rng.choice(self.mine), csrf)

    def _save(self, paper: str, field: str, csrf: str) -> None:
        page = self.http.get(f"/value/{paper}/{field}")
        revision = re.search(r'name="revision" value="([^"]+)"', page.text).group(1)
        data = {"csrf": csrf, "revision": revision, "action": "accept", "note": "bench"}
        if field == "parameters_millions":
            data |= {"action": "correct", "value": str(self.rng.randint(10, 900))}
        url = f"/value/{paper}/{field}"
        self._timed("save", lambda: self.http.post(url, data=data))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def render_times(review: Path) -> tuple[list[float], list[float]]:
    with ReviewStore(review / "review.sqlite") as store:
        paper = store.paper("long20")
    pdf = review / paper.path
    cache = review / ".bench-page-cache"
    shutil.rmtree(cache, ignore_errors=True)
    uncached, cached = [], []
    for number in range(1, 21):
        start = time.perf_counter()
        _, hit = pages.render_png(pdf, paper.sha256, number, cache)
        uncached.append(time.perf_counter() - start)
        assert not hit
    for number in range(1, 21):
        start = time.perf_counter()
        _, hit = pages.render_png(pdf, paper.sha256, number, cache)
        cached.append(time.perf_counter() - start)
        assert hit
    return uncached, cached


def http_render_times(base: str) -> tuple[list[float], list[float]]:
    """Each page of the 20-page paper fetched twice: rendered by the app, then from its cache."""
    cold, warm = [], []
    with httpx.Client(base_url=base, timeout=60) as http:
        for times in (cold, warm):
            for number in range(1, 21):
                start = time.perf_counter()
                response = http.get(f"/paper/long20/page/{number}.png")
                times.append(time.perf_counter() - start)
                response.raise_for_status()
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load duration (default 60)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--papers", type=int, default=10, help="two-page papers in the review")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="litextract-app-bench-") as tmp:
        review = make_review(Path(tmp) / "review", args.papers)
        uncached, cached = render_times(review)
        print("page render, 20-page paper (PNG at zoom 2):")
        print(f"  uncached: median {statistics.median(uncached) * 1e3:.1f} ms/page, "
              f"total {sum(uncached) * 1e3:.0f} ms")  # fmt: skip
        print(f"  cached:   median {statistics.median(cached) * 1e3:.2f} ms/page, "
              f"total {sum(cached) * 1e3:.1f} ms")  # fmt: skip
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(review, port)
        try:
            cold, warm = http_render_times(base)
            print("  over HTTP (GET /paper/long20/page/N.png, one client):")
            print(f"  uncached: median {statistics.median(cold) * 1e3:.1f} ms, "
                  f"cached: median {statistics.median(warm) * 1e3:.1f} ms")  # fmt: skip
            values = [(f"paper{n:02d}", f) for n in range(args.papers) for f in FIELDS]
            until = time.monotonic() + args.seconds
            clients = [Client(n, base, values, until) for n in range(args.clients)]
            started = time.monotonic()
            for c in clients:
                c.start()
            for c in clients:
                c.join(timeout=args.seconds + 60)
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
        merged: dict[str, list[float]] = defaultdict(list)
        errors = [e for c in clients for e in c.errors]
        for c in clients:
            for route, times in c.latency.items():
                merged[route].extend(times)
        total = sum(len(t) for t in merged.values())
        print(f"\nload: {args.clients} clients, {elapsed:.0f} s, {total} requests "
              f"({total / elapsed:.0f}/s), errors {len(errors)}")  # fmt: skip
        print(f"  {'route':<8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for route, _ in MIX:
            times = merged.get(route, [])
            if times:
                p50, p95, top = (percentile(times, q) * 1e3 for q in (0.5, 0.95, 1.0))
                print(f"  {route:<8} {len(times):>6} {p50:>8.1f} {p95:>8.1f} {top:>8.1f}")
        for message in errors[:10]:
            print(f"  error: {message}")
        with ReviewStore(review / "review.sqlite") as store:
            print(f"  corrections stored: {len(store.corrections())}")
        if errors:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
