"""Benchmark: paper-level bootstrap from summed statistics vs re-computing each resample.

The audit bootstraps every statistic by re-weighting per-paper sufficient statistics
(one matrix product per statistic). The named alternative re-draws the papers and
recomputes the statistic from the cells of each resample, the textbook loop. Both run
here on the same generated data; the script prints times and their ratio and checks
that both give the same interval for the same draws.

    .venv/bin/python bench/audit_bootstrap.py [--papers 300] [--resamples 1000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from eval import agreement as ag


def make_cells(papers: int, seed: int = 0) -> tuple[np.ndarray, list[tuple[str, str]]]:
    rng = np.random.default_rng(seed)
    paper_of = rng.integers(0, papers, size=papers * 4)
    gold = rng.choice(["binary", "continuous", "(empty)"], size=len(paper_of), p=[0.3, 0.6, 0.1])
    pred = np.where(rng.random(len(gold)) < 0.8, gold, rng.choice(["binary", "continuous"], 1))
    return paper_of, list(zip(gold.tolist(), pred.tolist(), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=300)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    paper_of, pairs = make_cells(args.papers)
    categories = sorted({v for p in pairs for v in p})
    weights = ag.paper_weights(args.papers, args.resamples, seed=1)

    start = time.perf_counter()
    rows = np.array([ag.confusion_stats([g], [p], categories) for g, p in pairs])
    per_paper = np.zeros((args.papers, rows.shape[1]))
    np.add.at(per_paper, paper_of, rows)
    summed = ag.bootstrap_ci(per_paper, ag.kappa_from_stats, weights)
    t_summed = time.perf_counter() - start

    start = time.perf_counter()
    cells_of = [[i for i in np.flatnonzero(paper_of == p)] for p in range(args.papers)]
    values = []
    for draw in weights:
        idx = [i for p, times in enumerate(draw.astype(int)) for _ in range(times)
               for i in cells_of[p]]  # fmt: skip
        a = [pairs[i][0] for i in idx]
        b = [pairs[i][1] for i in idx]
        values.append(ag.cohen_kappa(a, b))
    values_arr = np.array(values)
    naive = tuple(np.percentile(values_arr[np.isfinite(values_arr)], [2.5, 97.5]))
    t_naive = time.perf_counter() - start

    print(f"papers={args.papers} cells={len(pairs)} resamples={args.resamples} (Cohen's kappa)")
    print(f"summed statistics: {t_summed:.3f} s  CI {summed[0]:.4f} .. {summed[1]:.4f}")
    print(f"recompute loop   : {t_naive:.3f} s  CI {naive[0]:.4f} .. {naive[1]:.4f}")
    print(f"speed-up (recompute / summed): {t_naive / t_summed:.1f}x")
    same = np.allclose(summed, naive, atol=1e-9)
    print(f"same interval for the same draws: {same}")


if __name__ == "__main__":
    main()
