"""`litextract init`: create a review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from extractor.cli import app
from extractor.cli.exits import fail
from extractor.cli.options import (
    MaxFollowupsOpt,
    NCtxOpt,
    RatersOpt,
    SecondModelOpt,
    SinglePassOpt,
)
from extractor.cli.review_common import ReviewDir, console, err
from extractor.key import DEFAULT_MAX_CONTEXT_TOKENS
from extractor.llm.factory import DEFAULT_MODEL
from extractor.review.config import ReviewConfig
from extractor.review.create import create_review
from extractor.targets import TARGETS_FORMAT
from schemas.errors import LitextractError


@app.command()
def init(
    review_dir: ReviewDir,
    form: Annotated[str, typer.Option(help="Built-in form name or a FORM.yaml (copied in).")],
    backend: Annotated[str, typer.Option(help="openai | langchain | local")] = "openai",
    model: Annotated[
        str, typer.Option(help="Model name (or GGUF path for local).")
    ] = DEFAULT_MODEL,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible server URL (vLLM, Ollama, ...).")
    ] = None,
    targets: Annotated[
        Path | None,
        typer.Option(help="Targets for a targeted form (copied in), JSONL: " + TARGETS_FORMAT),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Papers extracted at once.")] = 2,
    max_context_tokens: Annotated[
        int, typer.Option(help="Paper text per request, in the model's tokens.")
    ] = DEFAULT_MAX_CONTEXT_TOKENS,
    n_ctx: NCtxOpt = None,
    single_pass: SinglePassOpt = False,
    max_followups: MaxFollowupsOpt = 2,
    raters: RatersOpt = 1,
    second_model: SecondModelOpt = None,
) -> None:
    """Create a review: REVIEW_DIR/review.toml, the store and a papers/ folder.

    API keys are never written to the review; set OPENAI_API_KEY (or your
    provider's variable) in the environment.

    Examples:

      litextract init my-review --form fm_imaging --model gpt-4o-mini

      litextract init rct-review --form rct_outcomes --targets targets.jsonl

      litextract init local-review --form my_form.yaml --model llama3.1 \\
        --base-url http://localhost:11434/v1
    """
    settings = ReviewConfig(
        form=form,
        backend=backend,
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        max_context_tokens=max_context_tokens,
        n_ctx=n_ctx,
        single_pass=single_pass,
        max_followups=max_followups,
        raters=2 if second_model else raters,
        second_model=second_model,
    )
    try:
        created = create_review(review_dir, form, targets, settings)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    if created.targets_needed is not None:
        err.print(
            f"[yellow]note:[/] form {created.form.name} is targeted: put the targets in "
            f"{created.targets_needed} before `update`"
        )
    console.print(
        f"created review [bold]{review_dir}[/] (form {created.form.name} {created.form.version})"
    )
    console.print(f"add papers: litextract add {review_dir} PAPER.pdf | library.bib | library.ris")
