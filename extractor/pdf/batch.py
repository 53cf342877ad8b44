"""Many PDFs: directory expansion and a process pool that keeps input order."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extractor.document import Document
from extractor.pdf.parse import parse_pdf
from schemas.errors import InputError

PARENT_CHECK_SECONDS = 1.0


def iter_pdfs(inputs: list[Path]) -> list[Path]:
    """Files as given; directories expanded to their *.pdf files (any case), sorted.

    Missing paths are kept so that parsing reports them as one-line errors."""
    found: list[Path] = []
    seen: set[Path] = set()
    for item in inputs:
        item = Path(item)
        paths = (
            sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
            if item.is_dir()
            else [item]
        )
        for path in paths:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def _worker_init() -> None:
    # Ctrl+C is the parent's to handle (it stops the batch, keeps what is done); a worker
    # that also raised KeyboardInterrupt would print its own traceback (issue 19, item 10).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed by `kill -9` cannot shut the pool down: without this, its idle
    # workers would wait on their queue forever.
    parent = os.getppid()
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _parse_one(path: Path) -> Document | InputError:
    try:
        return parse_pdf(path)
    except InputError as exc:
        return exc
    except Exception as exc:  # a parser bug on one paper must not stop the batch
        return InputError(path, f"could not be parsed ({type(exc).__name__}: {exc})")


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_many(
    paths: Iterable[Path], *, workers: int | None = None, progress: bool = True
) -> Iterator[tuple[Path, Document | InputError]]:
    """Parse PDFs on `workers` processes (None: all cores); results come back in input
    order and equal those of one process (each paper is parsed whole by one worker)."""
    paths = [Path(p) for p in paths]
    workers = default_workers() if workers is None else workers
    with Progress(
        TextColumn("parsing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        disable=not progress,
        transient=False,
    ) as bar:
        task = bar.add_task("", total=len(paths))
        if workers <= 1 or len(paths) <= 1:
            results: Iterator[Document | InputError] = map(_parse_one, paths)
            for path, result in zip(paths, results, strict=True):
                bar.update(task, advance=1, description=path.name)
                yield path, result
            return
        with ProcessPoolExecutor(
            max_workers=min(workers, len(paths)), initializer=_worker_init
        ) as pool:
            for path, result in zip(paths, pool.map(_parse_one, paths), strict=True):
                bar.update(task, advance=1, description=path.name)
                yield path, result
