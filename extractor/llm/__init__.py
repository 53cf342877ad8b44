"""Chat backends behind one protocol, with retries, structured-output fallbacks and a cache.

Backend modules import their engines (openai, langchain, llama.cpp) lazily through
`make_backend`, so importing this package stays cheap.
"""

from extractor.llm.base import (
    ChatBackend,
    ChatRequest,
    ChatResponse,
    LLMError,
    NoStructuredOutputError,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.cache import CacheKey, ResponseCache, default_cache_path
from extractor.llm.factory import estimate_cost, make_backend, resolve_backend_name
from extractor.llm.retry import RetryPolicy

__all__ = [
    "CacheKey",
    "ChatBackend",
    "ChatRequest",
    "ChatResponse",
    "LLMError",
    "NoStructuredOutputError",
    "RefusalError",
    "ResponseCache",
    "RetryPolicy",
    "TransientError",
    "TruncatedError",
    "default_cache_path",
    "estimate_cost",
    "make_backend",
    "resolve_backend_name",
]
