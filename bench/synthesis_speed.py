"""Speed of `litextract synthesize` on 10,000 targets in 500 meta-analyses.

    PYTHONPATH=. .venv/bin/python bench/synthesis_speed.py              # 10,000 / 500
    PYTHONPATH=. .venv/bin/python bench/synthesis_speed.py --plots 50   # draw 50 forest plots

Synthetic rct_outcomes targets (seeded): half binary, half continuous, 20 per analysis,
1% with bad numbers (left out, as in a real run). Timed apart, in one process:

1. effect sizes: `compute_effects` as a whole (checking every target's numbers, 5
   measures, the result objects); and its statsmodels part alone, vectorised (one call
   per measure over all targets, what `compute_effects` does) against the named
   alternative in the same run: one statsmodels call per target and measure;
2. meta-analyses: grouping, fixed + DL + PM pooling of every measure (statsmodels
   `combine_effects`), without and with the sensitivity analyses (verified-only and
   leave-one-out re-pooling);
3. forest plots (matplotlib, PNG + SVG) for the first --plots analyses, reported per plot
   and projected to all 500 (drawing all of them is minutes of CPU on a shared machine).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from statsmodels.stats.meta_analysis import effectsize_2proportions, effectsize_smd

from eval.synthesis.effects import compute_effects
from eval.synthesis.grouping import Analysis
from eval.synthesis.meta import run_meta_analyses
from eval.synthesis.plots import forest_plot
from eval.synthesis.studies import Study
from schemas.registry import load_form
from schemas.roles import effect_roles


def make_studies(targets: int, analyses: int, seed: int) -> tuple[list[Study], list[Analysis]]:
    rng = random.Random(seed)
    per = targets // analyses
    studies: list[Study] = []
    groups: list[Analysis] = []
    for a in range(analyses):
        binary = a % 2 == 0
        base_risk, true_or = rng.uniform(0.05, 0.4), rng.uniform(0.5, 1.5)
        members = set()
        for s in range(per):
            target = f"{a * per + s}"
            n1, n2 = rng.randint(20, 400), rng.randint(20, 400)
            if binary:
                p2 = base_risk
                odds = true_or * p2 / (1 - p2) * rng.uniform(0.7, 1.4)
                p1 = odds / (1 + odds)
                values = {
                    "outcome_type": "binary",
                    "intervention_events": round(n1 * p1),
                    "intervention_group_size": n1,
                    "comparator_events": round(n2 * p2),
                    "comparator_group_size": n2,
                }
                if rng.random() < 0.01:
                    values["intervention_events"] = n1 + 5  # events above group size
            else:
                values = {
                    "outcome_type": "continuous",
                    "intervention_mean": rng.gauss(10, 2),
                    "intervention_standard_deviation": rng.uniform(1, 4),
                    "intervention_group_size": n1,
                    "comparator_mean": rng.gauss(11, 2),
                    "comparator_standard_deviation": rng.uniform(1, 4),
                    "comparator_group_size": n2,
                }
                if rng.random() < 0.01:
                    values["comparator_standard_deviation"] = 0.0  # SD of 0
            state = "check" if rng.random() < 0.2 else "verified"
            triage = dict.fromkeys(values, state)
            grounded = dict.fromkeys(values, True)
            labels = {"intervention": f"drug {a}", "comparator": "placebo", "outcome": f"o{a}"}
            studies.append(Study(f"P{a:03d}-{s:02d}", target, labels, values, triage, grounded))
            members.add(target)
        groups.append(Analysis(f"analysis {a}", members))
    return studies, groups


def vectorised_effects(table_inputs: list[tuple[str, dict[str, float]]]) -> None:
    """What compute_effects does: one statsmodels call per measure over all targets."""
    binary = [n for kind, n in table_inputs if kind == "binary"]
    continuous = [n for kind, n in table_inputs if kind != "binary"]
    b = {r: np.array([n[r] for n in binary]) for r in ("ai", "n1i", "ci", "n2i")}
    for statistic in ("odds-ratio", "risk-ratio", "diff"):
        effectsize_2proportions(b["ai"], b["n1i"], b["ci"], b["n2i"], statistic=statistic)
    c = {
        r: np.array([n[r] for n in continuous])
        for r in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
    }
    effectsize_smd(c["m1i"], c["sd1i"], c["n1i"], c["m2i"], c["sd2i"], c["n2i"])


def per_target_effects(table_inputs: list[tuple[str, dict[str, float]]]) -> None:
    """The alternative: one statsmodels call per target and measure."""
    for kind, n in table_inputs:
        if kind == "binary":
            for statistic in ("odds-ratio", "risk-ratio", "diff"):
                effectsize_2proportions(
                    np.array([n["ai"]]), np.array([n["n1i"]]), np.array([n["ci"]]),
                    np.array([n["n2i"]]), statistic=statistic,
                )  # fmt: skip
        else:
            effectsize_smd(
                np.array([n["m1i"]]), np.array([n["sd1i"]]), np.array([n["n1i"]]),
                np.array([n["m2i"]]), np.array([n["sd2i"]]), np.array([n["n2i"]]),
            )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=10_000)
    parser.add_argument("--analyses", type=int, default=500)
    parser.add_argument("--plots", type=int, default=20, help="forest plots to draw and time")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    roles = effect_roles(load_form("rct_outcomes"))
    assert roles is not None
    studies, groups = make_studies(args.targets, args.analyses, args.seed)
    print(f"{len(studies)} targets in {len(groups)} analyses (seed {args.seed})")

    t0 = time.perf_counter()
    table = compute_effects(studies, roles)
    effects_total = time.perf_counter() - t0
    inputs = [
        (table.outcome_types[e.study.key], e.inputs)
        for measure in ("OR", "SMD")
        for e in table.effects[measure]
    ]
    t0 = time.perf_counter()
    vectorised_effects(inputs)
    vectorised = time.perf_counter() - t0
    t0 = time.perf_counter()
    per_target_effects(inputs)
    one_by_one = time.perf_counter() - t0
    counts = ", ".join(f"{m} {len(v)}" for m, v in table.effects.items())
    print(f"effect sizes ({counts}; {len(table.excluded)} left out):")
    print(f"  compute_effects, all of it                  {effects_total:7.3f} s")
    print(f"  statsmodels part, vectorised (4 calls)      {vectorised:7.3f} s")
    print(f"  statsmodels part, one call per target       {one_by_one:7.3f} s  "
          f"(vectorised is {one_by_one / vectorised:.0f}x faster)")  # fmt: skip

    t0 = time.perf_counter()
    meta = run_meta_analyses(studies, table, groups, with_sensitivity=False)
    pooling = time.perf_counter() - t0
    t0 = time.perf_counter()
    meta_sens = run_meta_analyses(studies, table, groups, with_sensitivity=True)
    with_sensitivity = time.perf_counter() - t0
    pools = sum(len(r.pooled) for r in meta.results)
    loo = sum(len(r.sensitivity.leave_one_out) for r in meta_sens.results if r.sensitivity)
    print(f"meta-analyses ({len(meta.results)} pooled, {pools} measure pools, "
          f"{len(meta.problems)} problems):")  # fmt: skip
    print(f"  pooling FE + DL + PM             {pooling:7.3f} s")
    print(f"  pooling + sensitivity ({loo} leave-one-out re-pools) {with_sensitivity:7.3f} s")
    total = effects_total + with_sensitivity
    print(f"synthesis total (effects + pooling + sensitivity) {total:.3f} s")

    if args.plots:
        with tempfile.TemporaryDirectory() as tmp:
            drawn = meta_sens.results[: args.plots]
            t0 = time.perf_counter()
            for i, result in enumerate(drawn):
                forest_plot(result, "DL", Path(tmp) / f"f{i}")
            plotting = time.perf_counter() - t0
        each = plotting / len(drawn)
        print(f"forest plots (PNG + SVG), timed apart: {len(drawn)} in {plotting:.2f} s, "
              f"{each:.3f} s each; all {len(meta_sens.results)} would take "
              f"~{each * len(meta_sens.results):.0f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
