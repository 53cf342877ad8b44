"""Parse every PDF of ../shared/corpus (101 files) with `parse_many` on both cores:
how many parse, sections/tables/references per paper, warnings, throughput.

    .venv/bin/python bench/parse_corpus.py [--workers 2] [--verbose]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_jats import CORPUS

from extractor.pdf import iter_pdfs, parse_many
from schemas.errors import InputError


def main(workers: int, verbose: bool) -> None:
    pdfs = iter_pdfs([CORPUS / "pdfs"])
    if not pdfs:
        print("corpus not found; nothing to measure")
        return
    start = time.perf_counter()
    sections: list[int] = []
    by_folder: dict[str, list[int]] = {}
    failures: list[str] = []
    warnings: Counter[str] = Counter()
    pages = tables = refs = 0
    for path, result in parse_many(pdfs, workers=workers, progress=False):
        if isinstance(result, InputError):
            failures.append(str(result))
            continue
        n = len(result.sections)
        sections.append(n)
        by_folder.setdefault(path.parent.name, []).append(n)
        pages += result.source.pages
        tables += len(result.tables)
        refs += len(result.references)
        for w in result.warnings:
            warnings[w.split(":")[0][:60]] += 1
        if verbose:
            print(
                f"{path.name}: {result.source.pages} p, {n} sections, "
                f"{len(result.tables)} tables, {len(result.references)} refs"
            )
    elapsed = time.perf_counter() - start
    print(
        f"{len(pdfs)} PDFs: {len(sections)} parsed, {len(failures)} failed; "
        f"{pages} pages in {elapsed:.1f} s ({pages / elapsed:.1f} pages/s, "
        f"{workers} workers)"
    )
    print(
        f"sections per paper: min {min(sections)}, median {statistics.median(sections):.0f}, "
        f"max {max(sections)}; papers with < 3 sections: {sum(n < 3 for n in sections)}"
    )
    for folder, counts in sorted(by_folder.items()):
        print(
            f"  {folder:<20} {len(counts):3d} papers, median sections "
            f"{statistics.median(counts):.0f}"
        )
    print(f"tables {tables}, references {refs}")
    for failure in failures:
        print("  failed:", failure)
    for warning, count in warnings.most_common():
        print(f"  warning x{count}: {warning}")


if __name__ == "__main__":
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 2
    main(workers, "--verbose" in sys.argv)
