"""Test doubles (a loopback OpenAI-compatible server, a scripted model, synthetic trials),
shared by the tests and the benchmarks and shipped with neither the package nor its wheel.

`tests/support` is on pytest's `pythonpath`; benchmarks put it on `sys.path` through
`bench/support_path.py`."""

from doubles.openai_server import (
    FakeOpenAIServer,
    Reply,
    example_from_schema,
    schema_responder,
)

__all__ = ["FakeOpenAIServer", "Reply", "example_from_schema", "schema_responder"]
