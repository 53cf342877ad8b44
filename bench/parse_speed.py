"""Speed and quality: litextract's parser vs pymupdf4llm.to_markdown (layout mode) on the
RCT corpus, in the same run, one process each (sequential, one core).

    .venv/bin/python bench/parse_speed.py            # all 49 RCT PDFs
    .venv/bin/python bench/parse_speed.py --limit 10

pymupdf4llm runs in a child process: importing it activates PyMuPDF's global layout
hook, which must not leak into the measurement of our parser. Headings for
pymupdf4llm are its Markdown '#' lines; both are scored against JATS with the same
fuzzy matcher (see parse_jats.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_baseline import md_headings, run_pymupdf4llm
from parse_jats import heading_scores, load_truth, prf, rct_pairs, word_coverage


def main(limit: int | None) -> None:
    pairs = rct_pairs()[:limit] if limit else rct_pairs()
    if not pairs:
        print("corpus not found; nothing to measure")
        return
    from extractor.pdf import parse_pdf

    ours_time = 0.0
    pages = 0
    ours = [0, 0, 0]
    ours_words = [0, 0]
    for pdf, nxml in pairs:
        truth = load_truth(nxml)
        t = time.perf_counter()
        doc = parse_pdf(pdf)
        ours_time += time.perf_counter() - t
        pages += doc.source.pages
        for i, v in enumerate(heading_scores([s.heading for s in doc.sections], truth)):
            ours[i] += v
        w = word_coverage(truth, doc.text)
        ours_words[0] += w[0]
        ours_words[1] += w[1]

    results = run_pymupdf4llm([p for p, _ in pairs])
    theirs_time = 0.0
    theirs = [0, 0, 0]
    theirs_words = [0, 0]
    for pdf, nxml in pairs:
        truth = load_truth(nxml)
        item = results[str(pdf)]
        theirs_time += item["seconds"]
        for i, v in enumerate(heading_scores(md_headings(item["markdown"]), truth)):
            theirs[i] += v
        w = word_coverage(truth, item["markdown"])
        theirs_words[0] += w[0]
        theirs_words[1] += w[1]

    p1, r1, f1 = prf(*ours)
    p2, r2, f2 = prf(*theirs)
    print(f"{len(pairs)} RCT PDFs, {pages} pages")
    print(f"{'':28}{'litextract':>12}{'pymupdf4llm':>14}")
    print(f"{'seconds':28}{ours_time:12.1f}{theirs_time:14.1f}")
    print(f"{'pages/s':28}{pages / ours_time:12.2f}{pages / theirs_time:14.2f}")
    print(f"{'heading precision':28}{p1:12.3f}{p2:14.3f}")
    print(f"{'heading recall':28}{r1:12.3f}{r2:14.3f}")
    print(f"{'heading F1':28}{f1:12.3f}{f2:14.3f}")
    print(
        f"{'word fidelity':28}{ours_words[0] / ours_words[1]:12.4f}"
        f"{theirs_words[0] / theirs_words[1]:14.4f}"
    )
    print(
        f"speed ratio: litextract is {theirs_time / ours_time:.1f}x faster than "
        "pymupdf4llm (layout mode)"
    )


if __name__ == "__main__":
    limit = None
    if "--limit" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--limit") + 1])
    main(limit)
