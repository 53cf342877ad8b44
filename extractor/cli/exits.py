"""Exit codes and error lines, the same for every command.

0    done
1    done, but some inputs failed (papers, rows): the others were processed
2    nothing done: bad arguments, a bad input file or setting (one line says which),
     or every input failed
130  interrupted (Ctrl+C); a re-run resumes

Every command ends through `finish(done, failed)`, so the rule is written once.
"""

from __future__ import annotations

from enum import IntEnum

import typer
from rich.console import Console
from rich.markup import escape

_err = Console(stderr=True, soft_wrap=True)  # soft_wrap: one error stays one line


class ExitCode(IntEnum):
    ok = 0
    some_failed = 1
    unusable_input = 2
    interrupted = 130


def error_line(message: str) -> None:
    """Print `error: message` on stderr (paper text inside is shown, never interpreted)."""
    # One line whatever the message holds (a library's multi-line text, a paper's newline).
    _err.print(f"[bold red]error:[/] {escape(' '.join(message.split()))}", highlight=False)


def fail(message: str) -> typer.Exit:
    """Print the error and return the exit for "nothing done": `raise fail(...)`."""
    error_line(message)
    return typer.Exit(ExitCode.unusable_input)


def outcome(done: int, failed: int) -> ExitCode:
    """The exit code of a batch: `done` inputs processed (or already up to date),
    `failed` inputs that failed."""
    if not failed:
        return ExitCode.ok
    return ExitCode.some_failed if done else ExitCode.unusable_input


def finish(done: int, failed: int) -> None:
    """End a command by the rule: return on success, else raise its exit."""
    code = outcome(done, failed)
    if code is not ExitCode.ok:
        raise typer.Exit(code)


def interrupted(message: str) -> typer.Exit:
    """Ctrl+C: say what was kept and how to resume, `raise interrupted(...)`."""
    _err.print(f"interrupted: {escape(message)}", highlight=False)
    return typer.Exit(ExitCode.interrupted)


def some_failed() -> typer.Exit:
    """Exit 1; prefer `finish(done, failed)`, which also covers "all failed"."""
    return typer.Exit(ExitCode.some_failed)
