"""What the review commands share: the REVIEW_DIR argument, opening a review or failing
with one line, and how a cost is shown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from extractor.cli.exits import fail
from extractor.review.session import Review, open_review
from schemas.errors import LitextractError

console = Console()
err = Console(stderr=True, soft_wrap=True)

ReviewDir = Annotated[Path, typer.Argument(help="The review folder (holds review.toml).")]


@contextmanager
def review_or_fail(root: Path) -> Iterator[Review]:
    """The opened review; any `LitextractError` inside (a missing review, a bad form, a
    refused correction) ends the command with its one line and exit 2."""
    try:
        with open_review(root) as review:
            yield review
    except LitextractError as exc:
        raise fail(str(exc)) from None


def cost_text(cost_usd: float, requests: int) -> str:
    # The store sums known prices only: requests with a zero total had no known price.
    if requests and not cost_usd:
        return "unknown (no price known for this model)"
    return f"${cost_usd:.4f}"
