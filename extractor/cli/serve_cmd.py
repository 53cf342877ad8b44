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
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            metavar="NAME",
            help="A DNS name colleagues may use to reach this server (repeatable); "
            "the token is still required off loopback.",
        ),
    ] = None,
) -> None:
    """Check and correct extracted values beside the highlighted PDF, in the browser.

    Every action is a correction version in the review store (as `litextract
    correct` writes them); `export` and `audit` see it at once. It binds to
    127.0.0.1; with any other --host it prints a token URL, required on every request.
    With --host 0.0.0.0 it prints this machine's addresses for colleagues; a DNS name
    they use must be named with --allowed-host (other names are refused, against DNS
    rebinding).

    Exits 2 with one line when the review is unusable or the port is already in use
    (nothing is printed that would open another program's server).

    Examples:

      litextract serve my-review

      litextract serve my-review --host 0.0.0.0 --port 9000 --allowed-host review.example.org
    """
    from extractor.review.app.listen import allowed_name, bind, urls
    from extractor.review.app.security import is_loopback, new_token
    from extractor.review.app.server import run
    from extractor.review.app.workspace import Workspace

    try:
        Workspace(review_dir)  # a bad review fails here, with its one-line message
        allowed = tuple(allowed_name(name) for name in allowed_host or ())
        sock = bind(host, port)  # before any URL is shown: the URL must open this server
    except LitextractError as exc:
        raise fail(str(exc)) from None
    try:
        token = None if is_loopback(host) else new_token()
        console.print(f"reviewing {review_dir}  (Ctrl+C stops)", highlight=False)
        for where in urls(host, port, token, allowed):
            console.print(f"  {where.who}: [bold]{where.url}[/]", highlight=False, soft_wrap=True)
        if token:
            console.print(
                "[yellow]not loopback:[/] anyone who can reach this address needs the token above",
                highlight=False,
            )
        run(review_dir, sock=sock, host=host, token=token, allowed_hosts=allowed)
    finally:
        sock.close()
