"""Fixtures for extraction tests: a small trial document, the loopback OpenAI server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from doubles.openai_server import FakeOpenAIServer
from extract_helpers import TRIAL_PAGES, make_document

from extractor.document import Document
from extractor.llm.openai_backend import OpenAIBackend
from extractor.llm.retry import RetryPolicy


@pytest.fixture
def trial_doc() -> Document:
    return make_document(TRIAL_PAGES)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


def no_sleep(_: float) -> None:
    pass


@pytest.fixture
def make_openai(server: FakeOpenAIServer) -> Callable[..., OpenAIBackend]:
    """The real OpenAI client against the loopback server; retry waits are skipped."""

    def build(**kw: Any) -> OpenAIBackend:
        kw.setdefault("retry", RetryPolicy(max_attempts=4, initial=0.01, sleep=no_sleep))
        kw.setdefault("structured_mode", "json_schema")
        return OpenAIBackend("fake-model", base_url=server.base_url, api_key="sk-test", **kw)

    return build
