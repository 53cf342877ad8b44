"""What a run costs: list prices, and why a cost is unknown when it is."""

from __future__ import annotations

import re

from schemas.record import TokenUsage

# USD per million tokens (input, output), OpenAI list prices for standard requests.
# A guide for budgeting only; models not listed have no known price.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}

DATED_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")


def _base_model(model: str) -> str:
    """ "openai:gpt-4o-mini-2024-07-18" -> "gpt-4o-mini"."""
    return DATED_SNAPSHOT.sub("", model.rpartition(":")[2].lower())


def estimate_cost(model: str, usage: TokenUsage) -> float | None:
    """Estimated USD for `usage` on `model`, None when the price is unknown.

    Dated snapshots ("gpt-4o-mini-2024-07-18") and "provider:" prefixes are matched
    to their base model.
    """
    price = PRICES_PER_MTOK.get(_base_model(model))
    if price is None:
        return None
    price_in, price_out = price
    return (usage.prompt_tokens * price_in + usage.completion_tokens * price_out) / 1_000_000


def cost_with_reason(
    model: str, usage: TokenUsage, *, local: bool = False
) -> tuple[float | None, str]:
    """(USD, "") when the price is known, else (None, why) for the summary line.

    `local` is true for the embedded engine and servers on this machine or a private
    network (`extractor.llm.endpoint.is_local`): they have no price, whatever the model
    is called, so the reason says so instead of "unknown".
    """
    if local:
        return None, "local server: no price"
    cost = estimate_cost(model, usage)
    if cost is None:
        return None, f"no price known for model {model}"
    return cost, ""


def backend_cost(backend: object, usage: TokenUsage) -> tuple[float | None, str]:
    """`cost_with_reason` for a backend: it reads the model and whether it is local
    (`backend.is_local`, True for the embedded engine and private-network servers)."""
    model = str(getattr(backend, "model", ""))
    return cost_with_reason(model, usage, local=bool(getattr(backend, "is_local", False)))
