"""The living-review commands, one module per job; importing this registers them all.

init (review_init_cmd), add (review_add_cmd), update (review_update_cmd), status /
history / diff (review_status_cmd), correct / import-corrections (review_correct_cmd),
export (review_export_cmd). Each parses its arguments, calls one function of
extractor/review/ and prints.
"""

from __future__ import annotations

from extractor.cli import (
    review_add_cmd,
    review_correct_cmd,
    review_export_cmd,
    review_init_cmd,
    review_status_cmd,
    review_update_cmd,
)
from extractor.cli.review_init_cmd import init

__all__ = [
    "init",
    "review_add_cmd",
    "review_correct_cmd",
    "review_export_cmd",
    "review_init_cmd",
    "review_status_cmd",
    "review_update_cmd",
]
