"""The folder lock's refusal names the holder, even in the moment after it took the lock."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from filelock import FileLock

from extractor.folder_lock import LOCK_NAME, OWNER_NAME, FolderBusyError, FolderLock


def test_refusal_waits_for_the_pid_the_holder_writes_just_after_locking(tmp_path: Path) -> None:
    # Locked, pid not written yet: the moment in which a second run can arrive.
    holder = FileLock(tmp_path / LOCK_NAME)
    holder.acquire()
    late = threading.Timer(0.2, lambda: (tmp_path / OWNER_NAME).write_text("4242"))
    late.start()
    busy = r"in use by another litextract run \(pid 4242\)"
    try:
        with pytest.raises(FolderBusyError, match=busy), FolderLock(tmp_path):
            pass
    finally:
        late.join()
        holder.release()


def test_refusal_says_unknown_when_no_pid_comes(tmp_path: Path) -> None:
    holder = FileLock(tmp_path / LOCK_NAME)
    holder.acquire()
    try:
        assert FolderLock(tmp_path).owner(wait=0.05) == "unknown"
    finally:
        holder.release()
