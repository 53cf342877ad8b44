"""Reviewer-app fixtures: a review with two papers, and a logged-in test client."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_testdata import BASE, login, standard_review
from starlette.testclient import TestClient

from extractor.review.app.server import create_app


@pytest.fixture
def review(tmp_path: Path) -> Path:
    return standard_review(tmp_path / "review")


@pytest.fixture
def client(review: Path) -> TestClient:
    app = create_app(review, host="127.0.0.1", port=8765)
    with TestClient(app, base_url=BASE, follow_redirects=False) as c:
        yield login(c)
