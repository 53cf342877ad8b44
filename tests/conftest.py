"""Shared fixtures: where the real corpus is, and skipping cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = (REPO_ROOT / ".." / "shared" / "corpus").resolve()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Tests marked `corpus` need ../shared/corpus; a fresh clone without it still passes.
    if CORPUS_DIR.is_dir():
        return
    skip = pytest.mark.skip(reason=f"real corpus not found at {CORPUS_DIR}")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture(autouse=True)
def _private_response_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The response cache is per user by default: tests must never read or fill the real one.
    monkeypatch.setenv("LITEXTRACT_CACHE_DIR", str(tmp_path_factory.mktemp("user-cache")))
