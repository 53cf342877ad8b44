"""`Extracted[T]`: every form field is a value plus its status and verbatim evidence."""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Status(StrEnum):
    reported = "reported"
    not_reported = "not_reported"
    unclear = "unclear"


class Evidence(BaseModel):
    """A verbatim quote from the paper, located in `Document.text` by grounding."""

    quote: str
    page: int | None = None
    section: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    grounded: bool = Field(
        default=False, description="True only when the quote was found in the paper's text"
    )
    match_score: float | None = Field(
        default=None, description="0-100 similarity of the best match in the paper"
    )


class Extracted(BaseModel, Generic[T]):
    value: T | None = None
    status: Status = Status.not_reported
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float | None = None

    @property
    def grounded(self) -> bool:
        """At least one evidence quote was found in the paper."""
        return any(e.grounded for e in self.evidence)
