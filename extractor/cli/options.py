"""Options shared by every command that talks to a model, defined once.

`extract`, `example` and `init` take the same backend and cache options with the same
help, and turn them into a backend and a response cache the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import typer.core

from extractor.key import AgentSettings
from extractor.llm.base import ChatBackend
from extractor.llm.cache import ResponseCache, default_cache_path


def plain_help_metavars() -> None:
    """Help in the usual command-line style: `--yes` without a `<bool>` beside it, and
    arguments as `REVIEW_DIR INPUTS... <path>` rather than `{review_dir} {inputs}...
    <list[Path]>`.

    typer (0.29) writes a type after every option, flags included, and puts braces around
    required arguments; neither tells a user anything. Its parameter classes cannot be
    chosen per option, so its display methods are adjusted once, here, for every
    command; an explicit `metavar` still wins. Idempotent."""
    option, argument = typer.core.TyperOption, typer.core.TyperArgument
    if getattr(option, "_litextract_plain", False) or not (
        hasattr(option, "display_type_rich") and hasattr(argument, "_usage_display_name")
    ):
        return  # done already, or another typer whose help needs no adjusting here
    shown_type = option.display_type_rich

    def option_type(self: typer.core.TyperOption, ctx: typer.Context) -> str | None:
        if self.is_flag and self.metavar is None:
            return None  # a flag takes no value
        return shown_type(self, ctx)

    def argument_name(self: typer.core.TyperArgument) -> str:
        return self.metavar if self.metavar is not None else (self.name or "").upper()

    argument_type = argument.display_type_rich

    def list_argument_type(self: typer.core.TyperArgument, ctx: typer.Context) -> str | None:
        shown = argument_type(self, ctx)
        if self.nargs != 1 and shown and shown.startswith("<list[") and shown.endswith("]>"):
            return f"<{shown[6:-2].lower()}>"  # INPUTS... already says there may be several
        return shown

    def usage_name(self: typer.core.TyperArgument) -> str:
        name = argument_name(self)
        name = name if self.required else f"[{name}]"
        return f"{name}..." if self.nargs != 1 else name

    option.display_type_rich = option_type  # type: ignore[method-assign]
    argument.display_name_raw = property(argument_name)  # type: ignore[assignment,method-assign]
    argument._usage_display_name = usage_name  # type: ignore[method-assign]
    argument.display_type_rich = list_argument_type  # type: ignore[method-assign]
    option._litextract_plain = True  # type: ignore[attr-defined]


BackendOpt = Annotated[
    str | None,
    typer.Option(
        help="openai, langchain or local (default: openai when OPENAI_API_KEY or a base URL "
        "is set, else the embedded local model).",
        rich_help_panel="Model",
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        help="Model name (openai), provider:model (langchain) or a GGUF path (local).",
        rich_help_panel="Model",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        help="OpenAI-compatible server, e.g. http://localhost:11434/v1 (Ollama).",
        rich_help_panel="Model",
    ),
]
NCtxOpt = Annotated[
    int | None,
    typer.Option(
        "--n-ctx",
        min=512,
        help="Context window in tokens: the local engine's size (default 8192), or a "
        "server's window when you know it.",
        rich_help_panel="Model",
    ),
]
ThreadsOpt = Annotated[
    int | None,
    typer.Option(
        min=1, help="CPU threads of the local engine (default 2).", rich_help_panel="Model"
    ),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        min=1,
        help="Read timeout in seconds: the longest wait for the next streamed token (or a "
        "whole answer from servers that do not stream). Default: LITEXTRACT_TIMEOUT, else "
        "1800 for servers on this machine or a private network, 120 for remote APIs.",
        rich_help_panel="Model",
    ),
]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        help="Response cache (SQLite). Default: one per user, shared by every run "
        "(LITEXTRACT_CACHE_DIR to move it; `litextract cache info` shows it).",
        rich_help_panel="Cache",
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Always ask the model.", rich_help_panel="Cache")
]


def build_backend(
    backend: str | None,
    model: str | None,
    base_url: str | None,
    n_ctx: int | None = None,
    threads: int | None = None,
    timeout: float | None = None,
) -> ChatBackend:
    from extractor.llm import make_backend

    return make_backend(
        backend, model, base_url=base_url, n_ctx=n_ctx, threads=threads, timeout=timeout
    )


def open_cache(cache: Path | None, no_cache: bool) -> ResponseCache | None:
    return None if no_cache else ResponseCache(cache or default_cache_path())


SinglePassOpt = Annotated[
    bool,
    typer.Option(
        "--single-pass",
        help="One pass per field group, no follow-up questions (values are still checked "
        "and triaged). Cheaper; for comparison with the agent.",
        rich_help_panel="Agent",
    ),
]
MaxFollowupsOpt = Annotated[
    int,
    typer.Option(min=0, help="Follow-up questions per record, at most.", rich_help_panel="Agent"),
]
RatersOpt = Annotated[
    int,
    typer.Option(
        min=1,
        max=2,
        help="2: a second, independent extraction (same model with the paper's blocks in "
        "reverse order, or --second-model); values the raters disagree on go to `check`.",
        rich_help_panel="Agent",
    ),
]
SecondModelOpt = Annotated[
    str | None,
    typer.Option(help="The second rater's model (implies --raters 2).", rich_help_panel="Agent"),
]


def agent_settings(
    single_pass: bool, max_followups: int, raters: int, second_model: str | None
) -> AgentSettings:
    return AgentSettings(
        single_pass=single_pass,
        max_followups=max_followups,
        raters=2 if second_model else raters,
        second_model=second_model,
    )
