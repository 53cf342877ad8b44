"""One `update` at a time per review: a second one is refused, never queued."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from extractor.review.config import ReviewPaths
from schemas.errors import LitextractError


class ReviewBusyError(LitextractError):
    """Another process is updating this review."""


class ReviewLock:
    """An OS file lock (released by the kernel if the holder dies, even by `kill -9`).

    The holder's pid is written beside the lock so the refusal can say who holds it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths = ReviewPaths(root)
        self._lock = FileLock(self.paths.lock, timeout=0)

    def __enter__(self) -> ReviewLock:
        try:
            self._lock.acquire()
        except Timeout:
            raise ReviewBusyError(
                f"{self.root} is being updated by another process (pid {self._owner()}); "
                "try again when it has finished"
            ) from None
        self.paths.lock_owner.write_text(str(os.getpid()), encoding="utf-8")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.paths.lock_owner.unlink(missing_ok=True)
        self._lock.release()

    def _owner(self) -> str:
        try:
            return self.paths.lock_owner.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            return "unknown"
