"""Chat backends behind one protocol, with retries, structured-output fallbacks and a cache.

Backend modules import their engines (openai, langchain, llama.cpp) lazily through
`make_backend`, so importing this package stays cheap.
"""

from extractor.llm.base import (
    ChatBackend,
    ChatRequest,
    ChatResponse,
    ContextOverflowError,
    EngineError,
    LLMError,
    NoStructuredOutputError,
    Progress,
    RefusalError,
    TransientError,
    TruncatedError,
)
from extractor.llm.cache import CacheKey, ResponseCache, default_cache_path
from extractor.llm.factory import DEFAULT_MODEL, make_backend, resolve_backend_name
from extractor.llm.pricing import backend_cost, cost_with_reason, estimate_cost
from extractor.llm.retry import RetryPolicy
from extractor.llm.tokens import count_tokens, estimate_tokens

__all__ = [
    "DEFAULT_MODEL",
    "CacheKey",
    "ChatBackend",
    "ChatRequest",
    "ChatResponse",
    "ContextOverflowError",
    "EngineError",
    "LLMError",
    "NoStructuredOutputError",
    "Progress",
    "RefusalError",
    "ResponseCache",
    "RetryPolicy",
    "TransientError",
    "TruncatedError",
    "backend_cost",
    "cost_with_reason",
    "count_tokens",
    "default_cache_path",
    "estimate_cost",
    "estimate_tokens",
    "make_backend",
    "resolve_backend_name",
]
