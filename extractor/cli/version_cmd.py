"""`litextract version`."""

from __future__ import annotations

import typer

from extractor import __version__
from extractor.cli import app


@app.command()
def version() -> None:
    """Print the litextract version."""
    typer.echo(__version__)
