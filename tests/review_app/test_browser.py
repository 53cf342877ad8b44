"""The reviewer app in a real browser: Playwright driving Debian's Chromium.

Set LITEXTRACT_SCREENSHOTS=DIR to keep the queue and value-page screenshots there
(the README's images are made this way: LITEXTRACT_SCREENSHOTS=docs).
"""

from __future__ import annotations

import csv
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from app_testdata import build_review, standard_review
from typer.testing import CliRunner

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]
playwright_api = pytest.importorskip("playwright.sync_api")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _running(review: Path) -> Iterator[str]:
    """The app over `review` on a real uvicorn on loopback; yields its base URL."""
    import uvicorn

    from extractor.review.app.server import create_app

    port = _free_port()
    app = create_app(review, host="127.0.0.1", port=port)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    review = standard_review(tmp_path / "review")
    with _running(review) as url:
        yield url, review


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def _page(browser: Any, url: str, name: str = "Ana", height: int = 900) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": height})
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    page.goto(url + "/")
    page.fill("#name", name)  # asked once per browser
    page.click("button[type=submit]")
    page.wait_for_selector("#progress")
    return page


def _keep(page: object, name: str) -> None:
    folder = os.environ.get("LITEXTRACT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)  # type: ignore[attr-defined]


def test_queue_opens_and_a_value_is_accepted(browser: object, served: tuple[str, Path]) -> None:
    url, _ = served
    page = _page(browser, url)
    assert "0 of 8 values checked" in page.inner_text("#progress")
    assert page.locator("table.queue tbody tr").count() == 8
    _keep(page, "review-queue.png")
    page.locator("table.queue a.open", has_text="study_type").first.click()
    page.wait_for_load_state("load")  # the shortcuts exist once app.js (deferred) has run
    assert page.locator("svg.marks rect.quote").count() >= 1  # the quote is highlighted
    page.keyboard.press("a")  # accept
    page.wait_for_selector("text=study_type of smith2024 saved")
    assert "/value/smith2024/parameters_millions" in page.url  # on to the next value
    _keep(page, "review-value.png")
    page.goto(url + "/")
    assert "1 of 8 values checked" in page.inner_text("#progress")


def test_a_number_is_corrected_after_an_invalid_entry(
    browser: object, served: tuple[str, Path], tmp_path: Path
) -> None:
    url, review = served
    page = _page(browser, url)
    page.goto(url + "/value/smith2024/parameters_millions")
    page.keyboard.press("c")
    page.keyboard.type("eighty-six")
    page.keyboard.press("Enter")
    page.wait_for_selector("#form-error")
    assert "is not a number" in page.inner_text("#form-error")
    assert page.input_value("#correct-input") == "eighty-six"
    # the reviewer selects a line on the page image (its invisible text layer) ...
    page.locator("#text-layer text", has_text="86 million").first.select_text()
    page.dispatch_event("#text-layer", "mouseup")
    assert "86 million parameters" in page.input_value("#quote")
    # ... or a passage in the page's text
    page.locator("#page-text mark").first.select_text()
    page.dispatch_event("#page-text", "mouseup")
    assert page.input_value("#quote") == "The model has 86 million parameters"
    page.fill("#correct-input", "86")
    page.fill("#note", "typo: 68 for 86")
    page.click("#act-correct")
    page.wait_for_selector("text=parameters_millions of smith2024 saved")
    page.goto(url + "/value/smith2024/parameters_millions?show=all")
    page.reload()
    assert page.inner_text("#current-value") == "86"
    assert "Ana" in page.inner_text("#history") and "typo" in page.inner_text("#history")
    from extractor.cli import _register, app

    _register()
    out = tmp_path / "records.csv"
    result = CliRunner().invoke(app, ["export", str(review), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["paper_id"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert float(rows["smith2024"]["parameters_millions"]) == 86
    assert rows["smith2024"]["parameters_millions__quote"] == "The model has 86 million parameters"


def test_script_in_papers_and_notes_stays_text(browser: object, served: tuple[str, Path]) -> None:
    url, _ = served
    page = _page(browser, url)
    page.goto(url + "/?paper=evil2024")
    assert '<script>alert("x")</script>' in page.inner_text("table.queue")
    page.goto(url + "/value/evil2024/parameters_millions?page=2")
    assert "onerror=alert(1)>" in page.inner_text("#page-text")
    page.fill("#note", '"><img src=x onerror=alert(5)>')
    page.click("#act-accept")
    page.goto(url + "/value/evil2024/parameters_millions?show=all")
    assert "onerror=alert(5)" in page.inner_text("#history")
    assert page.locator("img[src=x]").count() == 0
    assert page.dialogs == []  # no script ran


def test_a_second_reviewer_gets_a_version_conflict(
    browser: object, served: tuple[str, Path]
) -> None:
    url, review = served
    ana = _page(browser, url, "Ana")
    bo = _page(browser, url, "Bo")
    for page in (ana, bo):
        page.goto(url + "/value/evil2024/study_type")
    bo.select_option("#correct-input", "evaluation")
    bo.click("#act-correct")
    bo.wait_for_selector("text=study_type of evil2024 saved")
    ana.select_option("#correct-input", "adaptation")
    ana.click("#act-correct")
    ana.wait_for_selector("#conflict")
    assert "changed since you opened it by Bo" in ana.inner_text("#conflict")
    assert ana.inner_text("#current-value") == "evaluation"
    from extractor.review.records import current_records
    from extractor.review.store import ReviewStore

    with ReviewStore(review / "review.sqlite") as store:
        record = current_records(store)[("evil2024", None)]
    assert record.record["study_type"].value == "evaluation"
    assert record.corrected["study_type"].corrected_by == "Bo"


FOOT = "Limitations: the external cohort came from a single scanner vendor only."


def test_the_page_opens_scrolled_to_the_quote(browser: object, tmp_path: Path) -> None:
    review = build_review(
        tmp_path / "review",
        {"low2024": {"title": "A quote at the foot of the page", "bottom": FOOT}},
        quotes={"low2024": {"multi_center": (False, FOOT, 1)}},
    )
    with _running(review) as url:
        page = _page(browser, url, height=700)
        page.goto(url + "/value/low2024/multi_center")
        page.wait_for_load_state("load")
        page.wait_for_function("document.getElementById('page-image').complete")
        mark = page.locator("svg.marks rect.quote").first
        box = mark.bounding_box()
        assert box is not None
        # the highlight is on screen without the reviewer scrolling; the paper column
        # scrolled, not the window, so the value and its form stay where they were
        assert box["y"] >= 0 and box["y"] + box["height"] <= 700, box
        assert page.evaluate("window.scrollY") == 0
        assert page.evaluate("document.querySelector('section.paper').scrollTop") > 0
        _keep(page, "review-value-scrolled.png")
