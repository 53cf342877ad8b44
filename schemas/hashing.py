"""Every content hash in litextract: one owner, so equal inputs always hash alike.

Keys, caches, fingerprints and version tokens are all sha256; what differs is only what is
hashed. `short_hash` is 16 hex digits of the sha256 of canonical JSON (sorted keys).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

COMPACT = (",", ":")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def short_hash(data: Any, *, separators: tuple[str, str] = COMPACT) -> str:
    """16 hex digits of the sha256 of `data` as canonical JSON (`separators` only for
    hashes first written with JSON's default spacing, which must not change)."""
    blob = json.dumps(data, sort_keys=True, separators=separators, default=str)
    return sha256_text(blob)[:16]
