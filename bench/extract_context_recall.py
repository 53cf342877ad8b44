"""Context planning on real trials: do the gold numbers reach the model, at what cost?

For the RCT papers with Yun et al. (2024) gold whose PDF is in the corpus, every
gold target is planned as `extract` would (rct_outcomes, one group) at several
token budgets. "Context recall" is the share of gold numbers (events, group
sizes, means, SDs) that appear as numbers in the text sent; the whole paper is
the ceiling (numbers lost by the parser, e.g. tables printed as images, cannot
be recovered by planning). Tokens are chars / 4, as the planner counts them.

    .venv/bin/python bench/extract_context_recall.py [--budgets 6000,4000,3000,2000,1500]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

from extractor.document import Document
from extractor.pdf import parse_pdf
from extractor.plan import estimate_tokens, plan_context
from extractor.targets import Target
from schemas.registry import load_form

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
GOLD = CORPUS / "gold" / "rct_yun2024" / "gold_for_available_pdfs.json"
PDFS = CORPUS / "pdfs" / "rct"
JATS = CORPUS / "jats"
RCT = load_form("rct_outcomes")
NUMERIC_FIELDS = tuple(s.name for s in RCT.fields if s.kind.is_numeric)
# Decimal points as PDFs print them (".", "·" middle dot); a leading minus or U+2212.
NUMBER = re.compile(r"[-\u2212]?\d+(?:[.\u00b7]\d+)?")


def numbers_in(text: str) -> set[float]:
    found = set()
    for token in NUMBER.findall(text.replace(",", "")):
        try:
            found.add(abs(float(token.replace("\u00b7", ".").replace("\u2212", "-"))))
        except ValueError:
            continue
    return found


def gold_numbers(row: dict) -> list[float]:
    out = []
    for name in NUMERIC_FIELDS:
        value = row.get(name)
        if value in ("", None, "x"):
            continue
        try:
            out.append(abs(float(value)))
        except (TypeError, ValueError):
            continue
    return out


def stated_numbers(paper_id: str) -> set[float] | None:
    """Numbers anywhere in the publisher's JATS XML of the paper (None if absent).

    Some gold numbers are not printed in the paper at all (annotators derived them,
    e.g. events from a percentage): no context can contain those, so recall is also
    reported over the gold numbers that the paper itself states.
    """
    path = JATS / f"{paper_id}.nxml"
    if not path.exists():
        return None
    root = ElementTree.parse(path).getroot()
    return numbers_in(" ".join(root.itertext()))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budgets", default="6000,4000,3000,2000,1500")
    parser.add_argument(
        "--parsed", type=Path, help="folder to keep parsed Documents in (reused when present)"
    )
    args = parser.parse_args()
    if not GOLD.exists():
        print(f"corpus not found at {CORPUS}: nothing to measure")
        return 0
    budgets = [int(b) for b in args.budgets.split(",")]
    form = RCT
    rows = json.loads(GOLD.read_text())
    by_paper: dict[str, list[dict]] = {}
    for row in rows:
        by_paper.setdefault(f"PMC{row['pmcid']}", []).append(row)

    started = time.perf_counter()
    documents = {}
    for paper_id in sorted(by_paper):
        path = PDFS / f"{paper_id}.pdf"
        kept = args.parsed / f"{paper_id}.json" if args.parsed else None
        if kept is not None and kept.exists():
            documents[paper_id] = Document.model_validate_json(kept.read_text())
        elif path.exists():
            documents[paper_id] = parse_pdf(path)
            if kept is not None:
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_text(documents[paper_id].model_dump_json())
    parse_seconds = time.perf_counter() - started

    stated = {paper_id: stated_numbers(paper_id) for paper_id in documents}
    whole_tokens = [estimate_tokens(d.text) for d in documents.values()]
    print(
        f"papers: {len(documents)}  targets: {sum(len(by_paper[p]) for p in documents)}  "
        f"(parsed in {parse_seconds:.0f} s)"
    )
    print(
        f"whole paper: median {statistics.median(whole_tokens):.0f} tokens, "
        f"max {max(whole_tokens)}, mean {statistics.mean(whole_tokens):.0f}"
    )
    print()
    print(
        f"{'budget':>8} {'recall':>7} {'vs whole':>9} {'tokens/call':>12} {'share':>6} "
        f"{'planned':>8} {'plan ms':>8} {'of stated':>10}"
    )
    results = {}
    for budget in [None, *budgets]:
        found = total = 0
        found_stated = total_stated = 0
        sent: list[int] = []
        planned = 0
        plan_time = 0.0
        for paper_id, doc in documents.items():
            for row in by_paper[paper_id]:
                target = Target(
                    paper_id=paper_id,
                    target_id=str(row["id"]),
                    intervention=row["intervention"],
                    comparator=row["comparator"],
                    outcome=row["outcome"],
                )
                t0 = time.perf_counter()
                ctx = plan_context(doc, form.fields, target, budget or 10**9)
                plan_time += time.perf_counter() - t0
                planned += not ctx.whole
                available = numbers_in(ctx.text)
                gold = gold_numbers(row)
                total += len(gold)
                hits = [any(abs(g - a) < 1e-9 for a in available) for g in gold]
                found += sum(hits)
                in_paper = stated[paper_id]
                if in_paper is not None:
                    for g, hit in zip(gold, hits, strict=True):
                        if any(abs(g - a) < 1e-9 for a in in_paper):
                            total_stated += 1
                            found_stated += hit
                sent.append(ctx.tokens)
        recall = found / total if total else float("nan")
        results[budget] = recall
        whole_recall = results[None]
        label = "whole" if budget is None else str(budget)
        whole_mean = statistics.mean(
            estimate_tokens(doc.text) for pid, doc in documents.items() for _ in by_paper[pid]
        )
        print(
            f"{label:>8} {recall:7.3f} {recall / whole_recall:9.3f} {statistics.mean(sent):12.0f} "
            f"{statistics.mean(sent) / whole_mean:6.2f} {planned:8d} "
            f"{1000 * plan_time / len(sent):8.1f} "
            f"{found_stated / total_stated if total_stated else float('nan'):10.3f}"
        )
    print()
    print(f"gold numbers: {total}. 'recall': share of gold numbers present in the text sent;")
    print("'vs whole': recall relative to sending the whole paper (the parser's ceiling);")
    print("'share': tokens sent per call relative to the whole paper; 'planned': calls that")
    print("got a selection instead of the whole paper; 'of stated': recall over the")
    print(f"{total_stated} gold numbers that occur in the paper's JATS XML (the rest are not")
    print("printed in the paper: annotators derived them).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
