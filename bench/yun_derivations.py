"""Yun et al.'s gold (49 PDFs, 269 targets): what derivations and counting trials once change.

    PYTHONPATH=. .venv/bin/python bench/yun_derivations.py [--gold PATH]

Yun et al.'s annotators derived numbers by hand where the paper did not print them as
needed, and said so in their notes: "Used percentage to calculate events", "Back
calculated the SD values from SE", "Only median and (interquartile) range is given".
A tool that may only copy (rct_outcomes 1.0) leaves those numbers null. This script
measures, against that copy-only baseline in the same run:

1. targets poolable today (copy only: every pooled number printed as such) vs with
   derivations (rct_outcomes 1.1 printed-form fields + `schemas/derive.py`);
2. how close the derived numbers come to the annotators' own (events exactly; SDs within
   the rounding of the printed SE);
3. targets of one paper and one outcome that share an arm (counted twice today);
4. the printed-only sensitivity analysis (derived numbers left out) on pools of all
   binary targets (OR) and all continuous targets (SMD), each trial counted once — a
   stress test of the machinery, not a clinical analysis (Yun's targets share no labels
   across papers, so no real analysis has k >= 2).

The printed form is rebuilt from the gold where the notes say which form the paper used:
percent = 100 · events / N rounded to 1 decimal, SE = SD / √N rounded to 2 decimals (the
printing precision is an assumption; the notes do not give it). "Only median and range /
IQR" targets have no numbers in the gold at all, so they are counted as reachable, never
computed.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from collections import defaultdict
from pathlib import Path

from eval.synthesis.effects import compute_effects
from eval.synthesis.grouping import Analysis
from eval.synthesis.meta import run_meta_analyses
from eval.synthesis.printed import derive_studies
from eval.synthesis.studies import Study
from eval.yun2024 import FIELDS
from schemas.numbers import parse_number
from schemas.registry import load_form
from schemas.roles import effect_roles
from schemas.values import normalize_text

GOLD = Path("../shared/corpus/gold/rct_yun2024/gold_for_available_pdfs.json")
PERCENT = re.compile(r"percentage to calculate events|reported in the table makes it easier", re.I)
FROM_SE = re.compile(r"SD values from SE", re.I)
MEDIAN = re.compile(r"median", re.I)


def _value(row: dict, name: str) -> float | None:
    v = row.get(name)
    if v in ("", None, "x"):
        return None
    return float(v) if isinstance(v, (int, float)) else parse_number(str(v))  # "6,032.37"


def _study(row: dict, values: dict) -> Study:
    target = {k: str(row[k]) for k in ("intervention", "comparator", "outcome")}
    return Study(f"PMC{row['pmcid']}", str(row["id"]), target, values)


def studies_from_gold(rows: list[dict]) -> tuple[list[Study], list[Study], dict[str, int]]:
    """(copy-only studies, studies with the printed form, counts per note category)."""
    copy_only, printed, kinds = [], [], defaultdict(int)
    for row in rows:
        values = {f: _value(row, f) for f in FIELDS if f != "outcome_type"}
        values["outcome_type"] = row["outcome_type"]
        notes = row.get("notes") or ""
        plain, shown = dict(values), dict(values)
        if row["outcome_type"] == "binary" and PERCENT.search(notes):
            kinds["events from a percentage"] += 1
            for arm in ("intervention", "comparator"):
                events, n = values[f"{arm}_events"], values[f"{arm}_group_size"]
                plain[f"{arm}_events"] = shown[f"{arm}_events"] = None
                if events is not None and n:
                    shown[f"{arm}_events_percent"] = round(100 * events / n, 1)
        elif row["outcome_type"] == "continuous" and FROM_SE.search(notes):
            kinds["SD from SE"] += 1
            for arm in ("intervention", "comparator"):
                sd, n = values[f"{arm}_standard_deviation"], values[f"{arm}_group_size"]
                plain[f"{arm}_standard_deviation"] = shown[f"{arm}_standard_deviation"] = None
                if sd is not None and n:
                    shown[f"{arm}_standard_error"] = round(sd / math.sqrt(n), 2)
                    shown[f"{arm}_spread_type"] = "SE"
        elif MEDIAN.search(notes):
            kinds["median with IQR or range (no numbers in the gold)"] += 1
        copy_only.append(_study(row, plain))
        printed.append(_study(row, shown))
    return copy_only, printed, kinds


def poolable(studies: list[Study], roles) -> set[tuple[str, str | None]]:
    table = compute_effects(studies, roles, ("OR", "SMD"))
    return {e.study.key for es in table.effects.values() for e in es}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args()
    rows = json.loads(args.gold.read_text(encoding="utf-8"))
    form = load_form("rct_outcomes")
    roles = effect_roles(form)
    assert roles is not None
    copy_only, printed, kinds = studies_from_gold(rows)
    derived = derive_studies(printed, roles)
    today, with_derivations = poolable(copy_only, roles), poolable(derived, roles)
    as_annotated = [
        _study(r, {**{f: _value(r, f) for f in FIELDS if f != "outcome_type"},
                   "outcome_type": r["outcome_type"]})
        for r in rows
    ]  # fmt: skip
    annotators = poolable(as_annotated, roles)
    papers = len({r["pmcid"] for r in rows})
    print(f"Yun et al. gold: {len(rows)} targets in {papers} papers")
    print("notes saying the annotators derived numbers by hand:")
    for kind, count in kinds.items():
        print(f"  {kind}: {count}")
    print(f"poolable (OR or SMD computable): copy only {len(today)} | with derivations "
          f"{len(with_derivations)} (+{len(with_derivations - today)}) | annotators' own "
          f"numbers {len(annotators)}")  # fmt: skip

    # 2. derived vs the annotators' numbers
    gold_by = {(f"PMC{r['pmcid']}", str(r["id"])): r for r in rows}
    exact_events = total_events = 0
    sd_close = total_sd = ambiguous = 0
    for s in derived:
        row = gold_by[s.key]
        for role, d in s.derivations.items():
            name = roles.field(role)
            want = _value(row, name) if name else None
            if want is None:
                continue
            if role in ("ai", "ci"):
                total_events += 1
                exact_events += d.value == want
                ambiguous += bool(d.warning)
            else:
                total_sd += 1
                n = d.inputs["n"]
                sd_close += abs(d.value - want) <= 0.005 * math.sqrt(n) + 1e-9
    print(f"derived vs annotators: events {exact_events}/{total_events} exact "
          f"({ambiguous} flagged: the rounding allows several counts); SDs "
          f"{sd_close}/{total_sd} within the printed SE's rounding (±0.005·√n)")  # fmt: skip

    # 3. arms shared within a paper and an outcome
    groups: dict[tuple, list[Study]] = defaultdict(list)
    for s in derived:
        groups[(s.paper_id, normalize_text(s.target["outcome"]))].append(s)
    multi = [g for g in groups.values() if len(g) > 1]
    shared = 0
    for g in multi:
        for label in ("intervention", "comparator"):
            arms = [normalize_text(s.target[label]) for s in g]
            if len(set(arms)) < len(arms):
                shared += 1
                break
    print(f"paper+outcome groups with 2+ targets: {len(multi)} ({sum(map(len, multi))} "
          f"targets); sharing an arm (one group counted twice if pooled as they are): "
          f"{shared}")  # fmt: skip

    # 4. the printed-only sensitivity on stress pools, each trial once (OR on the log scale)
    pools = [Analysis(f"all {kind} targets", targets={f"{s.paper_id}#{s.target_id}" for s in
             derived if s.values.get("outcome_type") == kind}, measure=m)
             for kind, m in (("binary", "OR"), ("continuous", "SMD"))]  # fmt: skip
    table = compute_effects(derived, roles)
    for mode in ("combine", "split"):
        meta = run_meta_analyses(derived, table, pools, roles=roles, multi_arm=mode)
        for r in meta.results:
            s = r.sensitivity
            est = r.pooled[r.primary].random["DL"]
            n_derived = sum(bool(e.derived) for e in r.effects[r.primary])
            done = "combined" if mode == "combine" else "split"
            shift = "n/a" if s.printed_shift is None else f"{s.printed_shift:+.4f}"
            members = len([1 for p in pools if p.name == r.name for _ in p.targets])
            print(f"{mode:>7} | {r.name}: {r.primary} k={r.k} (of {members} targets; "
                  f"{len(r.grouping)} shared-arm groups {done}, {len(r.excluded)} repeat "
                  f"comparisons counted once), {n_derived} with derived numbers; random DL "
                  f"{est.mu:+.4f}; printed only: k={s.printed_k}, shift {shift}")  # fmt: skip


if __name__ == "__main__":
    main()
