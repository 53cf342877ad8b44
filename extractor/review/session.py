"""An opened review: its settings, its store and its form, from one call.

Every command on an existing review starts the same way (read review.toml, open the
store, maybe load the form); `open_review` is that start, so a missing or broken review
gives the same one-line error everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from extractor.review.config import ReviewConfig, ReviewPaths, load_config
from extractor.review.store import ReviewStore
from schemas.form import Form


@dataclass
class Review:
    root: Path
    config: ReviewConfig
    store: ReviewStore

    def form(self) -> Form:
        """The review's form; an unusable one is an error naming review.toml."""
        return self.config.load_form(self.root)

    def __enter__(self) -> Review:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.store.close()


def open_review(root: Path) -> Review:
    """Open the review at `root` (an `InputError` if it is none); close it with `with`."""
    config = load_config(root)
    return Review(root, config, ReviewStore(ReviewPaths(root).store))
