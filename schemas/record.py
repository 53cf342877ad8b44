"""What `extract` writes per paper (per target): the filled form plus its provenance.

One `RecordLine` is one line of `records.jsonl`; the review store keeps the same
object per record version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from schemas.extracted import Extracted


def utc_now() -> datetime:
    return datetime.now(UTC)


class TokenUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class TraceStep(BaseModel):
    """One step of the agent's loop on a record: what it asked, why, what changed."""

    step: str  # extract | check | followup | second_rater | triage
    fields: list[str] = Field(default_factory=list)
    reasons: dict[str, list[str]] = Field(default_factory=dict)  # field -> finding codes
    changed: list[str] = Field(default_factory=list)  # fields whose value changed
    requests: int = 0
    usage: TokenUsage = Field(default_factory=TokenUsage)
    note: str = ""


class Provenance(BaseModel):
    """Everything needed to say where a record came from, and to know when it is stale.

    Never holds secrets: no API keys, no headers, no full URLs with credentials.
    """

    paper_sha256: str
    form: str
    form_version: str
    form_hash: str
    prompt_name: str
    prompt_hash: str
    target_hash: str = ""
    settings_hash: str = ""
    backend: str
    model: str
    temperature: float | None = Field(default=None, description="the temperature used")
    structured_mode: str | None = Field(
        default=None, description="json_schema, json_object, tools, grammar or langchain"
    )
    usage: TokenUsage = Field(default_factory=TokenUsage)
    cost_usd: float | None = None
    cost_note: str = Field(default="", description="why the cost is unknown, when it is")
    requests: int = 0
    cached: bool = False
    started_at: datetime = Field(default_factory=utc_now)
    finished_at: datetime = Field(default_factory=utc_now)
    litextract_version: str = ""
    warnings: list[str] = Field(default_factory=list)
    trace: list[TraceStep] = Field(default_factory=list)
    corrected_by: str | None = Field(
        default=None, description="set on human corrections: who made them"
    )


class RecordLine(BaseModel):
    """One line of records.jsonl."""

    paper_id: str
    target_id: str | None = None
    target: dict[str, str] | None = None
    record: dict[str, Extracted[Any]]
    provenance: Provenance
