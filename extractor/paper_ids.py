"""One paper id per PDF in a folder batch, unique even when file names repeat.

A paper's id is its file name without `.pdf`. Folders are searched recursively, so
`a/paper.pdf` and `b/paper.pdf` would share the id `paper`: one output file and one
record would silently replace the other (issue 19, item 2). The first file in batch
order keeps its stem; a later file with a taken stem is named `stem__<8 hex of its
sha256>`, the name `add` gives such a file in a review, so the id is the same on every
run and a targets file can name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from schemas.hashing import sha256_file


@dataclass(frozen=True)
class PaperIds:
    ids: dict[Path, str]  # every input path -> its paper id
    renamed: list[str]  # one line per renamed file, naming both files

    def of(self, path: Path) -> str:
        return self.ids.get(Path(path), Path(path).stem)


def assign_paper_ids(paths: Sequence[Path]) -> PaperIds:
    """Unique ids for `paths` (in the order given: the first of a name keeps it)."""
    ids: dict[Path, str] = {}
    owner: dict[str, Path] = {}
    renamed: list[str] = []
    for path in map(Path, paths):
        paper_id = path.stem
        if paper_id in owner:
            paper_id = _suffixed(path, owner)
            renamed.append(
                f"{path}: paper id {path.stem!r} is already {owner[path.stem]}'s; "
                f"this paper is {paper_id!r}"
            )
        owner[paper_id] = path
        ids[path] = paper_id
    return PaperIds(ids, renamed)


def _suffixed(path: Path, taken: dict[str, Path]) -> str:
    try:
        stem = f"{path.stem}__{sha256_file(path)[:8]}"
    except OSError:
        stem = f"{path.stem}__unreadable"  # parsing reports the file; the id must stay unique
    candidate, n = stem, 2
    while candidate in taken:  # byte-identical copies share the hash
        candidate, n = f"{stem}-{n}", n + 1
    return candidate
