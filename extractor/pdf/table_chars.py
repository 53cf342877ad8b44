"""The characters `page.find_tables()` reads, taken from the page's own TextPage.

`find_tables()` first lists every character of its clip (`pymupdf.table.make_chars`): a
second TextPage with collected styles, its "rawdict", and ~20 PyMuPDF Rect/Point/Matrix
objects per character. On the corpus that is three quarters of the time of a
`find_tables()` call and more than the whole rest of the parse of a table page. With
line strategies the finder uses the characters only to ask whether an area holds text
(a cluster of drawings, a candidate table); words answer that, and the page's words
are already in the TextPage read for the layout. So while `find_tables()` runs, its
character list is filled from those words instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pymupdf
import pymupdf.table as mupdf_table

_NEEDED = ("make_chars", "CHARS")
_SWAP = threading.Lock()  # find_tables() itself keeps its state in module globals


def available(page: pymupdf.Page, words: list[tuple] | None) -> bool:
    """Whether the words can stand in for the characters: the table module has the
    pieces replaced, and the page is upright (`find_tables()` turns other pages first,
    and the words are in the turned page's coordinates)."""
    return (
        words is not None
        and page.rotation == 0
        and all(hasattr(mupdf_table, name) for name in _NEEDED)
    )


def word_chars(
    page: pymupdf.Page, words: list[tuple], matrix: tuple[float, ...] | None = None
) -> list[dict]:
    """One entry per word, with the keys the line strategies read: page coordinates
    (x0, x1, top, bottom), the same box in PDF coordinates (y0, y1: through the page's
    transformation matrix, as `make_chars` gives them, or through `matrix`) and the
    text."""
    _a, b, _c, d, _e, f = matrix or page.transformation_matrix  # y = x*b + y*d + f
    chars = []
    for x0, top, x1, bottom, text, *_ in words:
        ys = (x0 * b + top * d + f, x1 * b + top * d + f, x0 * b + bottom * d + f)
        ys += (x1 * b + bottom * d + f,)
        chars.append(
            {
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "y0": min(ys),
                "y1": max(ys),
                "text": text,
                "upright": True,
            }
        )
    return chars


@contextmanager
def words_as_chars(page: pymupdf.Page, words: list[tuple]) -> Iterator[None]:
    """Within the block, `find_tables()` on `page` lists `words` (`TextPage.extractWORDS()`
    of the page) as its characters instead of reading the page again; the library is
    restored after. `parse_many` runs processes, not threads; should a caller parse in
    threads anyway, the lock keeps one swap at a time, so no other page's call sees
    these words and the library is always restored to its own function."""
    chars = word_chars(page, words)
    with _SWAP:
        original = mupdf_table.make_chars
        mupdf_table.make_chars = _listing(chars)
        try:
            yield
        finally:
            mupdf_table.make_chars = original


@contextmanager
def own_chars() -> Iterator[None]:
    """`find_tables()` reading the page itself, never while another page's words stand in."""
    with _SWAP:
        yield


def _listing(chars: list[dict]) -> Callable[..., None]:
    """A `make_chars` that lists `chars` (those inside `clip`) instead of reading the page."""

    def make_chars(_page: pymupdf.Page, clip: object = None) -> None:
        if clip is not None:
            x0, y0, x1, y1 = tuple(pymupdf.Rect(clip))
            mupdf_table.CHARS.extend(
                ch
                for ch in chars
                if ch["x1"] > x0 and ch["x0"] < x1 and ch["bottom"] > y0 and ch["top"] < y1
            )
        else:
            mupdf_table.CHARS.extend(chars)
        # find_tables() keeps this as the tables' TextPage, for Table.extract(), which
        # litextract does not call (cells are read from word positions, tables.py)
        return None

    return make_chars
