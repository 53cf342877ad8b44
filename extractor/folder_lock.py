"""One run at a time per folder: a second run is refused at once, never queued.

Every writer that rewrites files in a folder it does not own alone (`extract --out`,
`parse --out`, a review's `update`) holds this lock for its whole run. Without it two
runs into one folder each compact the files when they open them and then append, so
one run's records silently replace the other's, or land in a file that no longer has
a name (issue 21).

The lock is an OS file lock (`filelock`): the kernel releases it when the holder dies,
even by `kill -9`, so a stale lock file never blocks the next run. The holder's pid is
written beside it (a separate file: opening the lock file may truncate it) so the
refusal can say who holds the folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from schemas.errors import LitextractError

LOCK_NAME = ".litextract.lock"
OWNER_NAME = ".litextract.pid"


class FolderBusyError(LitextractError):
    """Another process is running in this folder."""


class FolderLock:
    """Hold `folder` for one run: `with FolderLock(out): ...`.

    `lock` and `owner` name the lock file and the pid file (default: hidden files in
    `folder`); `busy` is what the refusal says the holder is doing.
    """

    def __init__(
        self,
        folder: Path,
        *,
        lock: Path | None = None,
        owner: Path | None = None,
        busy: str = "in use by another litextract run",
        advice: str = "wait for it to finish, or choose another output folder",
    ) -> None:
        self.folder = Path(folder)
        self.lock_path = lock or self.folder / LOCK_NAME
        self.owner_path = owner or self.folder / OWNER_NAME
        self.busy = busy
        self.advice = advice
        self._lock = FileLock(self.lock_path, timeout=0)

    def __enter__(self) -> FolderLock:
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise self.error() from None
        except OSError as exc:  # a read-only or missing place: one line, not a traceback
            raise LitextractError(f"{self.folder}: cannot write here ({exc.strerror})") from None
        self.owner_path.write_text(str(os.getpid()), encoding="utf-8")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.owner_path.unlink(missing_ok=True)
        self._lock.release()

    def error(self) -> FolderBusyError:
        return FolderBusyError(f"{self.folder} is {self.busy} (pid {self.owner()}); {self.advice}")

    def owner(self, wait: float = 1.0) -> str:
        """The holder's pid as text. A holder that has just taken the lock writes its pid
        a moment later: wait up to `wait` seconds for it, then say "unknown"."""
        deadline = time.monotonic() + wait
        while True:
            try:
                pid = self.owner_path.read_text(encoding="utf-8").strip()
            except OSError:
                pid = ""
            if pid or time.monotonic() >= deadline:
                return pid or "unknown"
            time.sleep(0.02)
