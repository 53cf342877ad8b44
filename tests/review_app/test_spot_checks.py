"""The error rate of `verified`, measured by the reviewers' spot checks (issue 23, item 5):
an exact binomial interval, shown in the app's queue and in `litextract status`."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from test_routes import ORIGIN
from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.review.records import current_records
from extractor.review.spot_checks import estimate, live_estimate
from extractor.review.store import ReviewStore


def test_the_interval_is_clopper_pearson() -> None:
    # the example: 2 of 60 wrong is 3.3 % [0.4 %, 11.5 %]
    two = estimate(2, 60)
    assert (round(two.low, 4), round(two.high, 4)) == (0.0041, 0.1153)
    assert "2 of 60 sampled were wrong, 3.3 % [0.4 %, 11.5 %]" in two.line()
    # closed forms of the exact interval at the edges (alpha = 0.05)
    none = estimate(0, 10)
    assert none.low == 0 and none.high == pytest.approx(1 - 0.025 ** (1 / 10), abs=1e-9)
    every = estimate(10, 10)
    assert every.high == 1 and every.low == pytest.approx(0.025 ** (1 / 10), abs=1e-9)
    one = estimate(1, 2)  # Beta quantiles: 1 - sqrt(0.975) and sqrt(0.975)
    assert one.low == pytest.approx(1 - math.sqrt(0.975), abs=1e-9)
    assert one.high == pytest.approx(math.sqrt(0.975), abs=1e-9)
    assert estimate(0, 0).line("do x") == "verified values: none sampled yet (do x)"


def _sample(client: TestClient, seed: int) -> list[str]:
    queue = client.get(f"/?list=spot&show=all&seed={seed}").text
    return [u.replace("&amp;", "&") for u in re.findall(r'class="open" href="([^"]+)"', queue)]


def _decide(client: TestClient, url: str, **data: str) -> None:
    page = client.get(url)
    assert page.status_code == 200
    revision = re.search(r'name="revision" value="([^"]+)"', page.text).group(1)
    form = {"csrf": client.csrf, "revision": revision, "quote_page": "1", **data}
    assert client.post(url, data=form, headers=ORIGIN).status_code == 303


def _status(review: Path) -> str:
    _register()
    result = CliRunner().invoke(app, ["status", str(review)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_spot_checks_give_a_live_estimate_in_the_app_and_status(
    client: TestClient, review: Path
) -> None:
    assert "verified values: none sampled yet" in client.get("/").text
    assert "verified values: none sampled yet (spot-check them in" in _status(review)
    first, second = _sample(client, 7)
    _decide(client, first, action="accept")  # the verified value was right
    _decide(client, second, action="unclear", note="the paper does not say")  # it was wrong
    line = "verified values: 1 of 2 sampled was wrong, 50.0 % [1.3 %, 98.7 %]"
    queue = client.get("/").text
    assert line in re.search(r'id="spot-estimate"[^>]*>(.*?)</p>', queue, re.S).group(1)
    assert line in _status(review)
    # a decision outside the sample (the Verified list, chosen by the reviewer) is no draw
    browsed = [u for u in _sample(client, 8) + _sample(client, 9) if u not in (first, second)]
    _decide(client, browsed[0].replace("list=spot", "list=verified"), action="unclear")
    assert line in _status(review)
    # checking the same value again counts once, by its newest verdict
    _decide(client, first, action="unclear")
    again = "verified values: 2 of 2 sampled were wrong, 100.0 % [15.8 %, 100.0 %]"
    assert again in _status(review)


def test_a_check_of_a_value_since_re_extracted_no_longer_counts(
    client: TestClient, review: Path
) -> None:
    [url, *_] = _sample(client, 7)
    _decide(client, url, action="unclear")
    paper = re.search(r"/value/([^/]+)/", url).group(1)
    with ReviewStore(review / "review.sqlite") as store:
        assert live_estimate(store, current_records(store)).sampled == 1
        model = current_records(store)[(paper, None)].model_version
        store.add_version(
            paper_id=paper, target_id=None, origin="model", record=model.record,
            provenance={}, key=model.key,
        )  # fmt: skip
        assert live_estimate(store, current_records(store)).sampled == 0
