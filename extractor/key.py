"""The extraction key: what a record was made from, and so when it is stale.

One definition, read by `extract` (skip what is up to date in OUT), `update` (redo
what is stale in a review) and `status` (say what an update would redo). A record
is redone when any part differs: the paper's bytes, the form, the prompt templates
and field schemas, the backend, the model, the target's content, or any setting
that changes answers (context budget, answer budget, temperature, the engine's
window, the agent's loop).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from extractor.targets import Target
from schemas.form import Form
from schemas.hashing import short_hash
from schemas.record import Provenance

DEFAULT_MAX_CONTEXT_TOKENS = 24_000  # paper text per request when the engine's window is unknown
DEFAULT_MAX_TOKENS = 4096  # answer budget per request


@dataclass(frozen=True)
class AgentSettings:
    """How hard the agent works on a record (see extractor/agent.py)."""

    single_pass: bool = False  # today's one pass per group, no checks-driven follow-ups
    max_followups: int = 2  # follow-up questions per record, at most
    followup_token_budget: int = 40_000  # prompt + completion tokens for follow-ups, per record
    raters: int = 1  # 2: an independent second extraction, compared field by field
    second_model: str | None = None  # the second rater's model (default: the same model)


@dataclass(frozen=True)
class ExtractionSettings:
    """Every setting besides paper, form, prompt and model that changes the answers."""

    max_context_tokens: int = DEFAULT_MAX_CONTEXT_TOKENS
    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = 0.0
    context_window: int | None = None  # the engine's declared window, when it has one
    agent: AgentSettings = field(default_factory=AgentSettings)

    @property
    def fingerprint(self) -> str:
        return short_hash(asdict(self))


def target_hash(target: dict[str, Any] | None) -> str:
    """The target's content: editing its outcome text under the same id makes it stale."""
    return short_hash(target) if target else ""


@dataclass(frozen=True)
class ExtractionKey:
    paper_sha256: str
    form_hash: str
    prompt_hash: str
    backend: str
    model: str
    target_hash: str = ""
    settings_hash: str = ""

    @classmethod
    def build(
        cls,
        *,
        paper_sha256: str,
        form: Form,
        prompt_hash: str,
        backend: str,
        model: str,
        target: Target | None,
        settings: ExtractionSettings,
    ) -> ExtractionKey:
        """The one key builder: `extract`, `update` and `status` all call it."""
        return cls(
            paper_sha256=paper_sha256,
            form_hash=form.hash,
            prompt_hash=prompt_hash,
            backend=backend,
            model=model,
            target_hash=target_hash(target.as_dict() if target else None),
            settings_hash=settings.fingerprint,
        )

    @classmethod
    def of(cls, provenance: Provenance) -> ExtractionKey:
        """The key a record was made under, from its `Provenance`."""
        return cls(
            paper_sha256=provenance.paper_sha256,
            form_hash=provenance.form_hash,
            prompt_hash=provenance.prompt_hash,
            backend=provenance.backend,
            model=provenance.model,
            target_hash=provenance.target_hash,
            settings_hash=provenance.settings_hash,
        )
