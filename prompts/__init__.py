"""Prompt templates (Jinja2 files in this folder), loaded by name.

Paper text only ever enters a prompt through `fence`: it sits between two
markers that carry a nonce derived from the text itself, and anything in the
paper that looks like a marker is defused first, so the paper cannot close
its own block and speak as the instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from schemas.hashing import sha256_bytes, sha256_text

PROMPT_DIR = Path(__file__).resolve().parent

_env = Environment(
    loader=FileSystemLoader(PROMPT_DIR),
    undefined=StrictUndefined,
    autoescape=False,  # plain-text prompts, not HTML
    keep_trailing_newline=False,
    trim_blocks=True,
    lstrip_blocks=True,
)


@cache
def load_prompt(name: str) -> Template:
    """The template `prompts/<name>.j2`."""
    return _env.get_template(f"{name}.j2")


# Anything resembling our markers: runs of angle brackets (ASCII or look-alikes).
_MARKER_LIKE = re.compile(r"[<>\u2039\u203a\u00ab\u00bb\uff1c\uff1e\u3008\u3009\u27e8\u27e9]{2,}")


@dataclass(frozen=True)
class Fenced:
    text: str
    open: str
    close: str


def fence(text: str, label: str = "PAPER") -> Fenced:
    """Defuse marker-like strings in `text` and pick markers it cannot contain.

    The nonce is a hash of the defused text, so the same paper always gets the
    same markers (prompt caching and the response cache keep working) while the
    paper cannot know its own nonce in advance.
    """
    safe = _MARKER_LIKE.sub(lambda m: "\u00b7" * len(m.group()), text)
    nonce = sha256_text(safe)[:12]
    return Fenced(safe, f"<<<{label} {nonce}>>>", f"<<<END {label} {nonce}>>>")


def sources_fingerprint(names: tuple[str, ...]) -> str:
    """A hash of the template files themselves, every branch included.

    Rendering a template once (with no target, the whole paper) hashes only the
    branches that rendering took: an edit inside `{% if target %}` would change no
    hash. The sources change whenever any branch does.
    """
    return sha256_bytes(
        b"".join(
            name.encode() + b"\0" + (PROMPT_DIR / f"{name}.j2").read_bytes() + b"\0"
            for name in names
        )
    )
