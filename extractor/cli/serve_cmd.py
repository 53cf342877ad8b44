"""`serve`: the reviewer's workspace in the browser (argument parsing and printing only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractor.cli import app
from extractor.cli.exits import fail
from schemas.errors import LitextractError

console = Console()
err = Console(stderr=True)


@app.command()
def serve(
    review_dir: Annotated[Path, typer.Argument(help="The review folder (holds review.toml).")],
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to bind; any non-loopback address requires a token.")
    ] = "127.0.0.1",
) -> None:
    """Check and correct extracted values beside the highlighted PDF, in the browser.

    Every action is a correction version in the review store (as `litextract
    correct` writes them); `export` and `audit` see it at once. It binds to
    127.0.0.1; with any other --host it prints a token URL, required on every request.

    Examples:

      litextract serve my-review

      litextract serve my-review --host 0.0.0.0 --port 9000
    """
    from extractor.review.app.security import is_loopback, new_token
    from extractor.review.app.server import run
    from extractor.review.app.workspace import Workspace

    try:
        Workspace(review_dir)  # a bad review fails here, with its one-line message
    except LitextractError as exc:
        raise fail(str(exc)) from None
    token = None if is_loopback(host) else new_token()
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    console.print(f"reviewing {review_dir} at [bold]{url}[/]  (Ctrl+C stops)", highlight=False)
    if token:
        console.print(
            "[yellow]not loopback:[/] anyone who can reach this address needs the token above",
            highlight=False,
        )
    try:
        run(review_dir, host=host, port=port, token=token)
    except OSError as exc:
        raise fail(f"cannot listen on {host}:{port} ({exc})") from None
