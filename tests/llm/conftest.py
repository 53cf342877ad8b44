"""Fixtures for the backend tests: a loopback OpenAI-compatible server and short waits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from doubles import FakeOpenAIServer
from llm_testdata import SCHEMA

from extractor.llm.base import ChatRequest
from extractor.llm.retry import RetryPolicy


class RecordingSleep:
    """Stands in for time.sleep: records what the retry policy asked to wait."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(max_lifetime=120) as srv:
        yield srv


@pytest.fixture
def sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def policy(sleep: RecordingSleep) -> RetryPolicy:
    return RetryPolicy(max_attempts=4, initial=0.5, max_wait=30.0, jitter=0.5, sleep=sleep)


@pytest.fixture
def request_() -> ChatRequest:
    return ChatRequest(
        messages=[
            {"role": "system", "content": "Extract the study data."},
            {"role": "user", "content": "We trained a U-Net on 120 scans; Dice 0.87."},
        ],
        schema=SCHEMA,
        schema_name="study_record",
        max_tokens=256,
    )
