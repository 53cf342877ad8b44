"""Review-test fixtures (helpers live in review_testdata.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.review.config import ReviewConfig, save_config
from extractor.review.store import ReviewStore


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """An empty review using MINI_FORM's name (the form itself is handed in by tests)."""
    root = tmp_path / "review"
    (root / "papers").mkdir(parents=True)
    save_config(root, ReviewConfig(form="mini", backend="fake", model="fake-model"))
    ReviewStore(root / "review.sqlite").close()
    return root
