"""Test helpers shipped with the package so tests and benchmarks share them."""

from extractor.testing.openai_server import (
    FakeOpenAIServer,
    Reply,
    example_from_schema,
    schema_responder,
)

__all__ = ["FakeOpenAIServer", "Reply", "example_from_schema", "schema_responder"]
