"""File names for the figures of a synthesis: made once, here, from any analysis name.

An analysis is named by people and papers ("drug 2.5 mg vs placebo: nausea", "a/b",
"<script>"), so its name never becomes a path as it is. The stem is a slug of safe
characters (no dots: `Path.with_suffix` would cut at one; no leading dot or dash) plus
a short hash of the *full* name, so two names that slug alike ("x.1" and "x_1") still
get two files, whatever order they come in.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SLUG_CHARS = 40
HASH_CHARS = 8


def file_stem(name: str, used: set[str] | None = None) -> str:
    """`slug-hash8` for `name`; `used` (lower-cased stems) guards a hash clash too."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_-")[:SLUG_CHARS].rstrip("_-")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
    size = HASH_CHARS
    stem = f"{slug or 'analysis'}-{digest[:size]}"
    while used is not None and stem.lower() in used and size < len(digest):
        size += 4  # two names with the same 8 hex digits: lengthen, never reuse
        stem = f"{slug or 'analysis'}-{digest[:size]}"
    if used is not None:
        used.add(stem.lower())
    return stem


def with_ext(stem: Path, ext: str) -> Path:
    """`stem` + `.ext`, never cutting at a dot already in the stem."""
    return stem.parent / f"{stem.name}.{ext.lstrip('.')}"
