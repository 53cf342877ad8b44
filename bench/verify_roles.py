"""Does `verified` mean "the right value"? Role checks against decoys and GPT-4's answers.

    python bench/verify_roles.py [--split DEV|TEST|ALL] [--limit N]

One run, no model, every figure beside its named alternative:

1. Yun et al. gold (the records whose PDF is in ../shared/corpus) with decoys made here:
   - `swapped`: the arms exchanged (intervention numbers given as the comparator's);
   - `other_outcome`: another gold target's numbers of the same trial, under this target;
   - `other_timepoint`: where the row holding a gold value is printed again under another
     timepoint or measure (same row label, other numbers), the number at the same place;
   - `other_column`: where the row holding both arms' gold values prints them again in
     other columns ("Pre-test", "Post-test", "Follow-up": the same arm order shifted), the
     numbers of the nearest other column pair.
   Decoy values equal to the gold value are dropped (they are not wrong). Reported: the
   share of gold values verified, of decoy values verified per kind, and the precision of
   `verified` on the mix; beside it the "printed anywhere" verifier, measured the same way.
2. GPT-4's released TEST answers (Yun et al.) for targets whose PDF is here: precision of
   `verified` and the share of right values verified, beside "printed anywhere".
3. Seconds per paper (parse + checks).

DEV is for tuning; TEST figures are held out and printed separately. Every value goes
through `extractor.verify.verify_values`, the function `litextract verify` runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.yun2024 import parse_answer  # noqa: E402
from extractor.pdf import parse_pdf  # noqa: E402
from extractor.verify import PaperChecker, verify_values  # noqa: E402
from schemas.extracted import Triage  # noqa: E402
from schemas.numbers import parse_number, prints_number  # noqa: E402
from schemas.rct_outcomes import HEADLINE_GROUPS  # noqa: E402
from schemas.registry import load_form  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "corpus"
GOLD = CORPUS / "gold" / "rct_yun2024" / "gold_for_available_pdfs.json"
GPT4 = [
    CORPUS / "gold" / "rct_yun2024" / "gpt4_outputs" / f"gpt4_{k}_outcomes_test_output.json"
    for k in ("binary", "continuous")
]
PDFS = CORPUS / "pdfs" / "rct"
NUMBERS = dict(HEADLINE_GROUPS.groups)  # the numbers of each outcome type
SWAP = {
    "intervention_events": "comparator_events",
    "intervention_group_size": "comparator_group_size",
    "intervention_mean": "comparator_mean",
    "intervention_standard_deviation": "comparator_standard_deviation",
}
SWAP |= {v: k for k, v in SWAP.items()}
DECOYS = ("swapped", "other_outcome", "other_timepoint", "other_column")


def number(value: Any) -> float | None:
    if isinstance(value, bool) or value in (None, "", "x"):
        return None
    if isinstance(value, int | float):
        return float(value)
    return parse_number(str(value))


def values_of(row: dict, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {"outcome_type": kind}
    for name in NUMBERS[kind]:
        v = number(row.get(name))
        if v is not None:
            out[name] = int(v) if v.is_integer() and ("size" in name or "events" in name) else v
    return out


def target_of(row: dict) -> dict[str, str]:
    return {k: str(row[k]) for k in ("intervention", "comparator", "outcome")}


class Papers:
    """Parsed papers and their checkers, once each (the time is counted)."""

    def __init__(self) -> None:
        self.cache: dict[str, PaperChecker | None] = {}
        self.seconds = 0.0

    def get(self, pmcid: Any) -> PaperChecker | None:
        key = f"PMC{pmcid}"
        if key not in self.cache:
            path = PDFS / f"{key}.pdf"
            started = time.perf_counter()
            self.cache[key] = PaperChecker(parse_pdf(path)) if path.is_file() else None
            self.seconds += time.perf_counter() - started
        return self.cache[key]


def verified_fields(form, values, paper, target, papers: Papers) -> dict[str, bool]:
    started = time.perf_counter()
    record = verify_values(form, values, paper, target)
    papers.seconds += time.perf_counter() - started
    return {name: record[name].triage is Triage.verified for name in values if name in record}


def timepoint_decoys(row: dict, kind: str, paper: PaperChecker) -> dict[str, float]:
    """The number standing where the gold value stands, in a row printed again with the
    same label under another timepoint or measure."""
    out: dict[str, float] = {}
    units = [u for u in paper.locator.units if u.kind != "text" and u.label]
    for name in NUMBERS[kind]:
        if "size" in name:
            continue
        gold = number(row.get(name))
        if gold is None:
            continue
        for occ in paper.locator.find(gold):
            unit = occ.unit
            if unit.kind == "text" or not unit.label:
                continue
            twins = [
                u
                for u in units
                if u is not unit
                and u.label.lower() == unit.label.lower()
                and len(u.groups) == len(unit.groups)
                and u.text != unit.text
            ]
            for twin in twins:
                group = twin.groups[occ.group]
                if occ.position < len(group.numbers):
                    value = group.numbers[occ.position].value
                    if abs(value - gold) > 1e-9:
                        out[name] = value
                        break
            if name in out:
                break
    return out


FIRST = {"binary": ("intervention_events", "comparator_events"),
         "continuous": ("intervention_mean", "comparator_mean")}  # fmt: skip
POSITION = {"intervention_events": 0, "comparator_events": 0, "intervention_mean": 0,
            "comparator_mean": 0, "intervention_standard_deviation": 1,
            "comparator_standard_deviation": 1}  # fmt: skip


def column_decoys(row: dict, kind: str, paper: PaperChecker) -> dict[str, float]:
    """Both arms' numbers from another column pair of the row that prints both arms' gold
    values: the groups at the same distance apart, shifted (never onto each other, which
    would be a swap), with the gold groups' pairing ("12.3 ± 4.5"), nearest shift first.
    Read by position only, not by the verifier's reading of the headers."""
    first_i, first_c = FIRST[kind]
    gold_i, gold_c = number(row.get(first_i)), number(row.get(first_c))
    if gold_i is None or gold_c is None:
        return {}
    for occ in paper.locator.find(gold_i):
        unit, gi = occ.unit, occ.group
        if unit.kind == "text" or occ.position != 0 or len(unit.groups) < 4:
            continue
        heads = [abs(g.head.value) for g in unit.groups]
        for gc in (g for g, v in enumerate(heads) if g != gi and abs(v - abs(gold_c)) < 1e-9):
            shifts = sorted(range(-len(heads), len(heads)), key=lambda d: (abs(d), d))
            for d in shifts:
                i, c = gi + d, gc + d
                if d == 0 or not (0 <= i < len(heads) and 0 <= c < len(heads)) or {i, c} & {gi, gc}:
                    continue
                pairs = {unit.groups[g].pair for g in (i, c)}
                if pairs != {unit.groups[gi].pair}:
                    continue
                out: dict[str, float] = {}
                for name, at in POSITION.items():
                    if name not in NUMBERS[kind] or number(row.get(name)) is None:
                        continue
                    group = unit.groups[i if name.startswith("intervention") else c]
                    if at < len(group.numbers):
                        out[name] = group.numbers[at].value
                if out:
                    return out
    return {}


def gold_bench(form, rows: list[dict], papers: Papers) -> dict[str, Any]:
    by_paper: dict[Any, list[dict]] = defaultdict(list)
    for row in rows:
        by_paper[row["pmcid"]].append(row)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # total, verified, printed
    for pmcid, paper_rows in by_paper.items():
        paper = papers.get(pmcid)
        if paper is None:
            continue
        text = paper.document.text
        for row in paper_rows:
            kind = row["outcome_type"]
            if kind not in NUMBERS:
                continue
            gold = values_of(row, kind)
            target = target_of(row)
            sets = {"gold": gold}
            swapped = {SWAP.get(k, k): v for k, v in gold.items()}
            sets["swapped"] = swapped
            others = [
                r
                for r in paper_rows
                if r is not row
                and r["outcome_type"] == kind
                and r["outcome"].strip().lower() != row["outcome"].strip().lower()
            ]
            if others:
                sets["other_outcome"] = values_of(others[0], kind)
            # decoys that change some fields only: the others keep their gold values
            changed = {
                "other_timepoint": timepoint_decoys(row, kind, paper),
                "other_column": column_decoys(row, kind, paper),
            }
            for label, fields in changed.items():
                if fields:
                    sets[label] = {**gold, **fields}
            for label, values in sets.items():
                verified = verified_fields(form, values, paper, target, papers)
                for name in NUMBERS[kind]:
                    v = values.get(name)
                    if v is None:
                        continue
                    if label != "gold" and v == gold.get(name):
                        continue  # the same number as the gold: not a wrong value
                    if label in changed and name not in changed[label]:
                        continue
                    c = counts[label]
                    c[0] += 1
                    c[1] += verified.get(name, False)
                    c[2] += prints_number(text, float(v))
    return dict(counts)


def gpt4_bench(form, gold_rows: dict[int, dict], papers: Papers) -> dict[str, list[int]]:
    # kind -> [right, wrong, right verified, wrong verified, right printed, wrong printed]
    out: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for source in GPT4:
        for row in json.loads(source.read_text(encoding="utf-8")):
            if row["id"] not in gold_rows:
                continue
            paper = papers.get(row["pmcid"])
            if paper is None:
                continue
            kind = row["outcome_type"]
            answer = parse_answer(row.get("output") or "", kind)
            predicted = values_of(answer, kind)
            gold = values_of(row, kind)
            verified = verified_fields(form, predicted, paper, target_of(row), papers)
            c = out[kind]
            for name in NUMBERS[kind]:
                v = predicted.get(name)
                if v is None:
                    continue
                right = gold.get(name) is not None and abs(float(v) - float(gold[name])) < 1e-9
                printed = prints_number(paper.document.text, float(v))
                c[0 if right else 1] += 1
                c[2 if right else 3] += verified.get(name, False)
                c[4 if right else 5] += printed
    return dict(out)


def share(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "n/a"


def print_gold(split: str, counts: dict[str, list[int]]) -> None:
    print(f"\n## Yun gold + decoys, {split}")
    print("| values | n | verified | share verified | printed anywhere |")
    print("|---|---|---|---|---|")
    for label in ("gold", *DECOYS):
        total, verified, printed = counts.get(label, [0, 0, 0])
        print(
            f"| {label} | {total} | {verified} | {share(verified, total)} | "
            f"{share(printed, total)} |"
        )
    gold = counts.get("gold", [0, 0, 0])
    decoys = [counts.get(k, [0, 0, 0]) for k in DECOYS]
    dv = sum(d[1] for d in decoys)
    dp = sum(d[2] for d in decoys)
    dt = sum(d[0] for d in decoys)
    print(
        f"\nall decoys: {dv} of {dt} verified ({share(dv, dt)}); printed anywhere {share(dp, dt)}"
    )
    print(
        f"precision of verified on the mix: {share(gold[1], gold[1] + dv)} "
        f"(printed anywhere: {share(gold[2], gold[2] + dp)})"
    )


def print_gpt4(counts: dict[str, list[int]]) -> None:
    print("\n## GPT-4 TEST answers with PDFs (held out)")
    print(
        "| kind | values | right | verified: precision | right verified | "
        "printed anywhere: precision | right printed |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind, c in sorted(counts.items()):
        right, wrong, rv, wv, rp, wp = c
        print(
            f"| {kind} | {right + wrong} | {right} | {share(rv, rv + wv)} ({rv}/{rv + wv}) | "
            f"{share(rv, right)} | {share(rp, rp + wp)} ({rp}/{rp + wp}) | {share(rp, right)} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("DEV", "TEST", "ALL"), default="ALL")
    parser.add_argument("--limit", type=int, default=0, help="papers per split (0: all)")
    parser.add_argument("--no-gpt4", action="store_true")
    args = parser.parse_args(argv)
    if not GOLD.is_file():
        print(f"{GOLD}: not found (the corpus is needed)", file=sys.stderr)
        return 2
    form = load_form("rct_outcomes")
    rows = json.loads(GOLD.read_text(encoding="utf-8"))
    papers = Papers()
    splits = ("DEV", "TEST") if args.split == "ALL" else (args.split,)
    for split in splits:
        chosen = [r for r in rows if r["split"] == split]
        if args.limit:
            keep = list(dict.fromkeys(r["pmcid"] for r in chosen))[: args.limit]
            chosen = [r for r in chosen if r["pmcid"] in keep]
        print_gold(split, gold_bench(form, chosen, papers))
    if not args.no_gpt4 and "TEST" in splits:
        test = {r["id"]: r for r in rows if r["split"] == "TEST"}
        print_gpt4(gpt4_bench(form, test, papers))
    parsed = sum(1 for p in papers.cache.values() if p is not None)
    print(
        f"\n{parsed} papers; {papers.seconds / max(1, parsed):.2f} s per paper "
        "(parse + locate + checks of all its records)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
