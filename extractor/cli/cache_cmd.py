"""`litextract cache info|clear`: the per-user response cache."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from extractor.cli import app
from extractor.cli.exits import ExitCode, fail
from extractor.cli.options import CacheOpt, open_cache

cache_app = typer.Typer(
    help="The response cache: every validated model answer, so the same question is never "
    "paid for twice on this machine.",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@cache_app.command("info")
def info(cache: CacheOpt = None) -> None:
    """Where the cache is, how big, and which models' answers it holds.

    Example:

      litextract cache info
    """

    store = open_cache(cache, no_cache=False)
    assert store is not None
    with store:
        facts = store.info()
    out = Console(soft_wrap=True)
    out.print(f"cache: {facts.path}", highlight=False)
    out.print(f"{facts.entries:,} answers, {_size(facts.size_bytes)} on disk", highlight=False)
    if facts.entries:
        out.print(f"oldest {facts.oldest}, newest {facts.newest}", highlight=False)
        table = Table("backend and model", "answers")
        for name, count in facts.by_model.items():
            table.add_row(name, f"{count:,}")
        out.print(table)


@cache_app.command("clear")
def clear(
    cache: CacheOpt = None,
    older_than: Annotated[
        float | None, typer.Option(min=0, help="Only answers older than this many days.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Only this model's answers.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete cached answers (all, or by age or model). Re-runs will ask the model again.

    Examples:

      litextract cache clear --older-than 90

      litextract cache clear --model gpt-4o-mini --yes
    """

    store = open_cache(cache, no_cache=False)
    assert store is not None
    with store:
        if not yes and not _confirmed(f"Delete cached answers from {store.path}?"):
            raise typer.Exit(ExitCode.some_failed)
        deleted = store.clear(older_than_days=older_than, model=model)
    Console().print(f"deleted {deleted:,} cached answers", highlight=False)


def _confirmed(question: str) -> bool:
    try:
        return typer.confirm(question)
    except typer.Abort:
        # No answer came (stdin closed: a script, a pipe, CI): click would print a bare
        # "Aborted!". Say what to do instead.
        raise fail(
            "nothing deleted: no answer to the confirmation (not a terminal?); pass --yes "
            "to delete without asking"
        ) from None
