"""Where the parser's time goes: CPU seconds per stage of `parse_pdf`, beside raw PyMuPDF
`get_text("dict")` over the same PDFs in the same run (one process, one core).

    .venv/bin/python bench/parse_stages.py              # RCT 49 + parse_dev 60
    .venv/bin/python bench/parse_stages.py --limit 20

CPU time (`time.process_time`), not wall time: the figures hold on a busy machine, where
bench/parse_quality.py's wall-clock ratio moves with the load. Stages are timed by
wrapping the functions `extractor.pdf.parse` calls (nested ones, indented, are part of
the stage above them); the rest of `parse_pdf` is "other".
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pymupdf
from parse_jats import dev_pairs, rct_pairs

import extractor.pdf.parse as parse_module
from extractor.pdf import ruled
from extractor.pdf.layout import TEXT_FLAGS

# (module, function name, label): the stages, in the order parse_pdf runs them
_STAGES = [
    (parse_module, "open_pdf", "open and check"),
    (parse_module, "read_page", "read_page (TextPage, dict, lines)"),
    (parse_module, "remove_running_text", "running headers/footers"),
    (parse_module, "extract_tables", "ruled tables"),
    (pymupdf.Page, "get_cdrawings", "  drawings (get_cdrawings)"),
    (ruled, "read_grids", "  grids from drawings (ruled.py)"),
    (pymupdf.Page, "find_tables", "  find_tables() (turned pages)"),
    (parse_module, "borderless_tables", "tables without rules"),
    (parse_module, "reading_order", "reading order"),
    (parse_module, "extract_metadata", "metadata"),
    (parse_module, "heuristic_headings", "headings"),
    (parse_module, "outline_headings", "outline headings"),
    (parse_module, "vocabulary", "vocabulary"),
]


def _timed(function: Callable, label: str, seconds: dict[str, float]) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[label] += time.process_time() - start

    return wrapper


def main(limit: int | None) -> None:
    pdfs = list(dict.fromkeys(p for p, _ in rct_pairs() + dev_pairs("tuning") + dev_pairs("test")))[
        :limit
    ]
    if not pdfs:
        print("corpus not found; nothing to measure")
        return
    seconds: dict[str, float] = defaultdict(float)
    for owner, name, label in _STAGES:
        setattr(owner, name, _timed(getattr(owner, name), label, seconds))
    total = raw = 0.0
    pages = 0
    for pdf in pdfs:
        start = time.process_time()
        doc = parse_module.parse_pdf(pdf)
        total += time.process_time() - start
        pages += doc.source.pages
        with pymupdf.open(pdf) as raw_doc:
            start = time.process_time()
            for page in raw_doc:
                page.get_text("dict", flags=TEXT_FLAGS)
            raw += time.process_time() - start
    print(f"{len(pdfs)} PDFs, {pages} pages; CPU seconds, one process")
    for _owner, _name, label in _STAGES:
        print(f"  {label:36}{seconds[label]:7.2f}")
    named = sum(v for k, v in seconds.items() if not k.startswith(" "))
    print(f"  {'other':36}{total - named:7.2f}")
    print(f"{'litextract parse_pdf':38}{total:7.2f}")
    print(f"{'raw get_text(dict)':38}{raw:7.2f}")
    print(f"litextract / get_text('dict') = {total / raw:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None)
