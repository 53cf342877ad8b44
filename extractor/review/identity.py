"""Is this paper already in the review? Same bytes, same DOI or same title.

A paper often reaches a review twice: the publisher PDF and a preprint, or the
same file renamed by a reference manager. Extracting both would double-count a
study in the meta-analysis, so later copies are recorded as duplicates of the
first one instead.
"""

from __future__ import annotations

import re
import unicodedata

from extractor.review.store import PaperRow

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
# Titles shorter than this are too generic ("Editorial", "Introduction") to identify a paper.
_MIN_TITLE_WORDS = 4


def normalise_doi(text: str | None) -> str | None:
    """`https://doi.org/10.1000/ABC.` -> `10.1000/abc` (DOIs are case-insensitive)."""
    if not text:
        return None
    match = _DOI.search(text)
    if not match:
        return None
    return match.group(0).rstrip(".,;)]}").lower()


def normalise_title(text: str | None) -> str | None:
    """Case, accents, punctuation and spacing removed; None for titles too short to trust."""
    if not text:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[0-9a-z]+", ascii_only.casefold())
    if len(words) < _MIN_TITLE_WORDS:
        return None
    return " ".join(words)


def find_duplicate(paper: PaperRow, earlier: list[PaperRow]) -> tuple[str, str] | None:
    """(paper_id of the first copy, reason) if `paper` repeats one of `earlier`, else None.

    `earlier` are the papers added before this one that are not duplicates themselves,
    so a chain of copies always points at the one original.
    """
    checks = (
        ("same file (sha256)", lambda p: p.sha256 == paper.sha256),
        ("same DOI", lambda p: paper.doi is not None and p.doi == paper.doi),
        (
            "same title",
            lambda p: paper.title_norm is not None and p.title_norm == paper.title_norm,
        ),
    )
    for reason, same in checks:
        for other in earlier:
            if other.paper_id != paper.paper_id and same(other):
                return other.paper_id, reason
    return None
