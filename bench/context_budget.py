"""Long papers planned for a real window: does every prompt fit, counted by the engine?

Every Yun et al. (2024) target whose PDF is in the corpus (269 targets, 49 RCT reports)
is planned as `extract` plans it for an engine with an 8,192-token window, and the
whole prompt (system message, paper selection, target, field list) is tokenised by the
engine itself (llama.cpp `/tokenize`, through `LocalBackend.count_tokens`). Reported: the
largest real prompt plus the answer's room against the window, the number that would
overflow (the target is 0), and how much of the window the planner leaves unused. The
alternative measured in the same run is the rule before (characters / 4 against the
window less the answer's room and a fixed 1,500 tokens for the prompt: the rule under
which a 1.5B model's 8,192-token window overflowed at 9,010), counted by the same tokenizer.

    python bench/context_budget.py [--model PATH] [--n-ctx 8192] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from extractor.extract import Extractor
from extractor.key import ExtractionSettings
from extractor.llm.local_backend import LocalBackend
from extractor.pdf import parse_pdf
from extractor.plan import plan_context
from extractor.targets import Target
from schemas.registry import load_form

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
GOLD = CORPUS / "gold" / "rct_yun2024" / "gold_for_available_pdfs.json"
PDFS = CORPUS / "pdfs" / "rct"
RCT = load_form("rct_outcomes")


def prompt_tokens(extractor: Extractor, messages: list[dict[str, str]]) -> int:
    return extractor.count("\n".join(m["content"] for m in messages))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="GGUF whose tokenizer counts")
    parser.add_argument("--n-ctx", type=int, default=8192)
    parser.add_argument("--limit", type=int, default=0, help="first N targets only")
    args = parser.parse_args()
    if not GOLD.is_file():
        print(f"needs the corpus at {CORPUS}")
        return 1
    rows = json.loads(GOLD.read_text())[: args.limit or None]
    started = time.perf_counter()
    docs = {pid: parse_pdf(PDFS / f"{pid}.pdf") for pid in {f"PMC{r['pmcid']}" for r in rows}}
    parsed = time.perf_counter() - started
    backend = LocalBackend(args.model, n_ctx=args.n_ctx)
    try:
        extractor = Extractor(RCT, backend, settings=ExtractionSettings())
        group = extractor._groups[0]  # rct_outcomes asks one group
        window, answer = backend.context_window or args.n_ctx, extractor.max_tokens
        ours, old, partial = [], [], 0
        for row in rows:
            paper = f"PMC{row['pmcid']}"
            target = Target(paper_id=paper, target_id=str(row["id"]),
                            intervention=row["intervention"], comparator=row["comparator"],
                            outcome=row["outcome"])  # fmt: skip
            budget = extractor._budget(group, target)
            context = plan_context(docs[paper], group.specs, target, budget, extractor.count)
            partial += not context.whole
            ours.append(prompt_tokens(extractor, extractor._messages(
                group.name, group.specs, context, target)))  # fmt: skip
            # The rule before issue 14: chars / 4 against window - answer - 1,500.
            legacy = plan_context(docs[paper], group.specs, target, window - answer - 1_500,
                                  lambda text: (len(text) + 3) // 4)  # fmt: skip
            old.append(prompt_tokens(extractor, extractor._messages(
                group.name, group.specs, legacy, target)))  # fmt: skip
    finally:
        backend.close()
    seconds = time.perf_counter() - started

    def line(name: str, prompts: list[int]) -> str:
        over = sum(p + answer > window for p in prompts)
        return (
            f"{name:34} largest prompt {max(prompts):6,} + answer {answer:,} = "
            f"{max(prompts) + answer:6,} of {window:,}; overflows {over:3d}; "
            f"median unused {statistics.median(window - answer - p for p in prompts):6,.0f}"
        )

    print(f"{len(rows)} targets in {len(docs)} papers ({parsed:.0f} s parsing, "
          f"{seconds:.0f} s in all), window {window:,} ({backend.model})")  # fmt: skip
    print(line("planned for the window (this rule)", ours))
    print(line("chars/4, fixed prompt allowance (before)", old))
    print(f"targets sent a selection of their paper: {partial} of {len(rows)}")
    return 0 if all(p + answer <= window for p in ours) else 1


if __name__ == "__main__":
    sys.exit(main())
