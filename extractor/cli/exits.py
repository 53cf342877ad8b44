"""Exit codes and error lines, the same for every command.

0    done
1    done, but some inputs failed (papers, rows): the others were processed
2    nothing done: bad arguments, a bad input file or setting (one line says which)
130  interrupted (Ctrl+C); a re-run resumes
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
    _err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)


def fail(message: str) -> typer.Exit:
    """Print the error and return the exit for "nothing done": `raise fail(...)`."""
    error_line(message)
    return typer.Exit(ExitCode.unusable_input)


def some_failed() -> typer.Exit:
    return typer.Exit(ExitCode.some_failed)
