"""`init`: a new review folder with its settings, its store, and copies of a YAML form
and a targets file, so the review does not depend on files outside it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from extractor.review.config import ReviewConfig, ReviewPaths, save_config
from extractor.review.store import ReviewStore
from schemas.errors import InputError, LitextractError
from schemas.form import Form
from schemas.registry import load_form

TARGETS_NAME = "targets.jsonl"


@dataclass(frozen=True)
class CreatedReview:
    config: ReviewConfig
    form: Form
    targets_needed: Path | None  # a targeted form given no targets: where to put them


def create_review(
    root: Path, form: str, targets: Path | None, config: ReviewConfig
) -> CreatedReview:
    """Create the review at `root`. `form` is a built-in name or a FORM.yaml (copied into
    `root/forms/`), `targets` a targets file (copied to `root/targets.jsonl`); `config`
    holds the other settings (its `form` and `targets` are set here)."""
    paths = ReviewPaths(root)
    if paths.config.exists():
        raise InputError(paths.config, "already a review")
    try:
        loaded = load_form(form if not _is_yaml(form) else Path(form))
    except ValueError as exc:
        raise LitextractError(str(exc)) from None
    form_value = form
    if _is_yaml(form):
        source = Path(form)
        form_value = f"forms/{source.name}"
        _copy_in(source, root / form_value)
    targets_value = None
    targets_needed = None
    if targets is not None:
        if not targets.is_file():
            raise InputError(targets, "file not found")
        targets_value = TARGETS_NAME
        _copy_in(targets, root / targets_value)
    elif loaded.targeted:
        targets_value = TARGETS_NAME
        targets_needed = root / targets_value
    paths.papers.mkdir(parents=True, exist_ok=True)
    config = replace(config, form=form_value, targets=targets_value)
    save_config(root, config)
    ReviewStore(paths.store).close()
    return CreatedReview(config, loaded, targets_needed)


def _is_yaml(form: str) -> bool:
    return form.endswith((".yaml", ".yml"))


def _copy_in(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source.resolve() != dest.resolve():
        shutil.copyfile(source, dest)
