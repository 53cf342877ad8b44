"""One `update` at a time per review: a second one is refused, never queued.

The review's lock is the folder lock every writer uses (extractor/folder_lock.py), on
the review's own lock and pid files.
"""

from __future__ import annotations

from pathlib import Path

from extractor.folder_lock import FolderBusyError, FolderLock
from extractor.review.config import ReviewPaths


class ReviewBusyError(FolderBusyError):
    """Another process is updating this review."""


class ReviewLock(FolderLock):
    """The folder lock on a review (released by the kernel if the holder dies)."""

    def __init__(self, root: Path) -> None:
        paths = ReviewPaths(root)
        super().__init__(
            root,
            lock=paths.lock,
            owner=paths.lock_owner,
            busy="being updated by another process",
            advice="try again when it has finished",
        )

    def error(self) -> ReviewBusyError:
        return ReviewBusyError(str(super().error()))
