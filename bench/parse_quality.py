"""Parse quality against JATS for the RCT corpus: heading P/R/F1, word and table-number
fidelity, for litextract's parser (and optionally pymupdf4llm's Markdown).

    .venv/bin/python bench/parse_quality.py            # ours only, prints per-paper misses
    .venv/bin/python bench/parse_quality.py --verbose
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_jats import (
    heading_scores,
    load_truth,
    norm_heading,
    number_coverage,
    prf,
    rct_pairs,
    word_coverage,
)

from extractor.pdf import parse_pdf


def main(verbose: bool) -> None:
    pairs = rct_pairs()
    if not pairs:
        print("corpus not found; nothing to measure")
        return
    totals = [0, 0, 0]
    words = [0, 0]
    numbers = [0, 0]
    for pdf, nxml in pairs:
        truth = load_truth(nxml)
        doc = parse_pdf(pdf)
        predicted = [s.heading for s in doc.sections]
        tp, counted, gold = heading_scores(predicted, truth)
        for i, v in enumerate((tp, counted, gold)):
            totals[i] += v
        w = word_coverage(truth, doc.text)
        n = number_coverage(truth, doc.text)
        words[0] += w[0]
        words[1] += w[1]
        numbers[0] += n[0]
        numbers[1] += n[1]
        if verbose:
            p, r, f = prf(tp, counted, gold)
            print(f"{pdf.stem}: F1 {f:.2f} (P {p:.2f} R {r:.2f}) words {w[0] / max(1, w[1]):.3f}")
            gold_norm = {norm_heading(h) for h in truth.headings}
            pred_norm = {norm_heading(h) for h in predicted}
            print("   missed:", sorted(gold_norm - pred_norm))
            print("   extra: ", sorted(pred_norm - gold_norm))
    p, r, f = prf(*totals)
    print(f"papers {len(pairs)}  headings: P {p:.3f} R {r:.3f} F1 {f:.3f} (micro)")
    print(
        f"word fidelity {words[0] / words[1]:.4f}  table-number fidelity "
        f"{numbers[0] / max(1, numbers[1]):.4f}"
    )


if __name__ == "__main__":
    main("--verbose" in sys.argv)
