"""What making one record spent, and the error that ends a record that was not made.

Both sit on the bottom floor: the asking layer and the agent add to the same tally, and
the orchestrator turns it into the record's provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.llm.base import LLMError
from schemas.errors import LitextractError
from schemas.record import TokenUsage, TraceStep


class ExtractionError(LitextractError):
    """A paper (target) that produced no record; `kind` sorts errors.jsonl. `requests`
    and `usage` are what the failed attempts cost: a failure is never free."""

    def __init__(
        self,
        message: str,
        *,
        kind: str = "extraction",
        requests: int = 0,
        usage: TokenUsage | None = None,
    ) -> None:
        super().__init__(" ".join(message.split()))  # always one line
        self.kind = kind
        self.requests = requests
        self.usage = usage or TokenUsage()


@dataclass
class Tally:
    """What one `extract` call spent."""

    requests: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    calls: int = 0
    cache_hits: int = 0
    structured_mode: str | None = None
    warnings: list[str] = field(default_factory=list)
    groups_not_asked: list[str] = field(default_factory=list)  # none of their fields apply
    trace: list[TraceStep] = field(default_factory=list)

    def spend(self, exc: LLMError) -> None:
        """A failed call's cost counts too."""
        self.requests += exc.requests
        self.usage = self.usage + exc.usage

    def failure(self, message: str, kind: str) -> ExtractionError:
        """The error that ends this record, carrying everything it cost."""
        return ExtractionError(message, kind=kind, requests=self.requests, usage=self.usage)
