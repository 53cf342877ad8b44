"""`REVIEW_DIR/review.toml`: the readable settings of a review, and where its files live.

API keys never go here: backends read them from the environment.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from extractor.fileio import atomic_write_text
from extractor.key import DEFAULT_MAX_CONTEXT_TOKENS, AgentSettings, ExtractionSettings
from extractor.llm.endpoint import safe_url
from extractor.llm.factory import DEFAULT_MODEL
from schemas.errors import InputError
from schemas.form import Form
from schemas.registry import load_form

CONFIG_NAME = "review.toml"

# Keys a config must never contain: a key belongs in the environment.
_SECRET_KEYS = {"api_key", "apikey", "token", "password", "secret"}


@dataclass(frozen=True)
class ReviewPaths:
    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def store(self) -> Path:
        return self.root / "review.sqlite"

    @property
    def cache(self) -> Path:
        return self.root / "cache.sqlite"

    @property
    def papers(self) -> Path:
        return self.root / "papers"

    @property
    def lock(self) -> Path:
        return self.root / ".update.lock"

    @property
    def lock_owner(self) -> Path:
        return self.root / ".update.pid"

    @property
    def exports(self) -> Path:
        return self.root / "exports"


@dataclass
class ReviewConfig:
    form: str
    backend: str = "openai"
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    timeout: float | None = None  # read timeout in seconds; None: by where the server is
    concurrency: int = 2
    max_context_tokens: int = DEFAULT_MAX_CONTEXT_TOKENS
    n_ctx: int | None = None  # the local engine's window (or a server's, when known)
    targets: str | None = None
    single_pass: bool = False  # the agent: no follow-up questions
    max_followups: int = AgentSettings.max_followups
    raters: int = 1  # 2: an independent second extraction per record
    second_model: str | None = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def settings(self) -> dict[str, Any]:
        """The settings as written to review.toml."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def snapshot(self) -> dict[str, Any]:
        """What a run records: the settings, with any user:password removed from base_url."""
        data = self.settings()
        if self.base_url:
            data["base_url"] = safe_url(self.base_url)
        return data

    def extraction_settings(self) -> ExtractionSettings:
        """The settings that change answers, as `update` extracts and `status` keys."""
        agent = AgentSettings(
            single_pass=self.single_pass,
            max_followups=self.max_followups,
            raters=2 if self.second_model else self.raters,
            second_model=self.second_model,
        )
        return ExtractionSettings(
            max_context_tokens=self.max_context_tokens, context_window=self.n_ctx, agent=agent
        )

    def form_ref(self, root: Path) -> str:
        """The form as `load_form` takes it: a built-in name, or the YAML path in the review."""
        if self.form.endswith((".yaml", ".yml")):
            return str((root / self.form).resolve())
        return self.form

    def load_form(self, root: Path) -> Form:
        """The review's form; an unknown or unusable one is one line naming review.toml."""
        try:
            return load_form(self.form_ref(root))
        except ValueError as exc:  # FormError, or a YAML form's own problem
            raise InputError(ReviewPaths(root).config, str(exc)) from None

    def targets_path(self, root: Path) -> Path | None:
        return root / self.targets if self.targets else None


def load_config(root: Path) -> ReviewConfig:
    path = ReviewPaths(root).config
    if not path.is_file():
        raise InputError(path, "not a review (no review.toml); create one with `litextract init`")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, f"invalid TOML ({exc})") from exc
    secrets = sorted(k for k in data if k.lower() in _SECRET_KEYS)
    if secrets:
        raise InputError(
            path, f"holds {', '.join(secrets)}: API keys belong in the environment, not here"
        )
    known = {f.name for f in fields(ReviewConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(path, f"unknown setting(s) {', '.join(unknown)}")
    if "form" not in data:
        raise InputError(path, "missing setting 'form'")
    try:
        config = ReviewConfig(**data)
        config.concurrency = int(config.concurrency)
        config.max_context_tokens = int(config.max_context_tokens)
        if config.timeout is not None:
            config.timeout = float(config.timeout)
    except (TypeError, ValueError) as exc:
        raise InputError(path, f"invalid setting ({exc})") from exc
    if config.concurrency < 1:
        raise InputError(path, "concurrency must be at least 1")
    if config.timeout is not None and config.timeout <= 0:
        raise InputError(path, "timeout must be a positive number of seconds")
    return config


def save_config(root: Path, config: ReviewConfig) -> None:
    header = (
        "# litextract review settings. API keys are read from the environment\n"
        "# (e.g. OPENAI_API_KEY), never from this file.\n"
    )
    text = header + tomli_w.dumps(config.settings())
    atomic_write_text(ReviewPaths(root).config, text)
