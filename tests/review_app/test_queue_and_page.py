"""What the queue and the value page show (issue 19, item 20), through the app's HTTP
interface: the target beside its id, no page chip for a quote that was not found, the
PDF shown inline, and a hint instead of "0 of 0" in an empty review."""

from __future__ import annotations

import re
from pathlib import Path

from app_testdata import BASE, TARGET, build_review, login, targeted_review
from starlette.testclient import TestClient

from extractor.review.app.server import create_app

NOWHERE = "The encoder was distilled from a proprietary teacher network."


def _client(root: Path) -> TestClient:
    return TestClient(create_app(root), base_url=BASE, follow_redirects=False)


def test_the_queue_shows_intervention_comparator_and_outcome(tmp_path: Path) -> None:
    with _client(targeted_review(tmp_path / "rct")) as c:
        login(c)
        queue = c.get("/").text
        row = re.search(r'<span class="pid">PMC1</span>(.*?)</td>', queue, re.S).group(1)
        assert "/ 55" in row
        target = re.sub(r"<[^>]+>", "", re.search(r'<div class="target">(.*?)</div>', row).group(1))
        assert " ".join(target.split()) == (
            f"{TARGET['intervention']} vs {TARGET['comparator']} · {TARGET['outcome']}"
        )


def test_a_quote_not_found_gets_no_page_chip(tmp_path: Path) -> None:
    root = build_review(
        tmp_path / "review",
        {"smith2024": {"title": "RadFM: a radiology foundation model"}},
        quotes={"smith2024": {"backbone": ("distilled", NOWHERE, 2),
                              "modalities": (["xray"], "chest radiographs", 2)}},
    )  # fmt: skip
    with _client(root) as c:
        login(c)
        page = c.get("/value/smith2024/backbone").text
        assert "not found" in page and "the model said p. 2" in page
        assert 'class="jump' not in page  # no chip sends the reviewer to the claimed page
        assert 'id="page-number">2<' in page  # the claimed page is still the one shown
        found = c.get("/value/smith2024/modalities").text  # a found quote keeps its chip
        assert re.search(r'class="jump c0" href="[^"]*page=1[^"]*">quote 1 · p. 1<', found)


def test_the_pdf_opens_inline(client: TestClient) -> None:
    response = client.get("/paper/smith2024/pdf")
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    assert response.headers["content-disposition"].startswith("inline;")
    assert 'filename="smith2024.pdf"' in response.headers["content-disposition"]
    page = client.get("/value/smith2024/year").text
    assert re.search(r'href="/paper/smith2024/pdf"[^>]*target="_blank"', page)


def test_an_empty_review_says_to_run_update(tmp_path: Path) -> None:
    root = build_review(tmp_path / "empty", {})
    with _client(root) as c:
        login(c)
        page = c.get("/").text
        assert 'id="empty"' in page and f"litextract update {root}" in page
        assert "0 of 0" not in page and 'id="progress"' not in page
        assert "no parsed papers yet" in page and "litextract add" in page
