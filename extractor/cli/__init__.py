"""The `litextract` command line: one module per command group."""

from __future__ import annotations

import importlib

import typer

from extractor.cli.options import plain_help_metavars

app = typer.Typer(
    name="litextract",
    help=(
        "Evidence-grounded LLM data extraction for systematic reviews.\n\n"
        "parse PDFs -> extract a study record per paper (every value with a verbatim, "
        "checked quote) -> audit against human gold; keep a living review up to date."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _root() -> None:
    # A callback keeps `litextract` a command group even while one command exists.
    pass


def _register() -> None:
    # Each command module adds its commands to `app`; imported lazily so a
    # broken optional dependency in one command cannot break the others.
    plain_help_metavars()
    modules = (
        "version_cmd",
        "parse_cmd",
        "extract_cmd",
        "audit_cmd",
        "review_init_cmd",
        "review_add_cmd",
        "review_update_cmd",
        "review_status_cmd",
        "review_correct_cmd",
        "review_export_cmd",
        "example_cmd",
        "cache_cmd",
        "serve_cmd",
        "synthesize_cmd",
        "verify_cmd",
    )
    for module in modules:
        try:
            importlib.import_module(f"extractor.cli.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"extractor.cli.{module}":
                raise


def main() -> None:
    _register()
    app()
