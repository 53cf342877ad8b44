"""Pair up gold and predicted items of a list-of-objects field, one to one.

Items are matched on their `align_on` keys (e.g. task + dataset + metric for
results) by the optimal assignment on a text similarity, so the order in
which a paper or a model lists them does not matter and no item is used twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from schemas.values import normalize_text


@dataclass(frozen=True)
class Alignment:
    pairs: list[tuple[int, int, float]]  # (gold index, predicted index, similarity)
    gold_only: list[int]
    pred_only: list[int]


def _key_similarity(a: Any, b: Any) -> float:
    if a is None and b is None:
        return 1.0
    if a is None or b is None:
        return 0.0
    return fuzz.ratio(normalize_text(str(a)), normalize_text(str(b))) / 100.0


def item_similarity(gold: dict, pred: dict, keys: Sequence[str]) -> float:
    """Mean similarity (0..1) of the two items over the alignment keys."""
    if not keys:
        keys = sorted(set(gold) | set(pred))
    return float(np.mean([_key_similarity(gold.get(k), pred.get(k)) for k in keys]))


def align_items(
    gold: Sequence[dict], pred: Sequence[dict], keys: Sequence[str], threshold: float = 0.6
) -> Alignment:
    """Optimal one-to-one pairing; pairs below `threshold` similarity stay unpaired."""
    if not gold or not pred:
        return Alignment([], list(range(len(gold))), list(range(len(pred))))
    sim = np.array([[item_similarity(g, p, keys) for p in pred] for g in gold])
    rows, cols = linear_sum_assignment(sim, maximize=True)
    pairs = [(int(r), int(c), float(sim[r, c])) for r, c in zip(rows, cols, strict=True)]
    pairs = [p for p in pairs if p[2] >= threshold]
    paired_gold = {p[0] for p in pairs}
    paired_pred = {p[1] for p in pairs}
    return Alignment(
        pairs=pairs,
        gold_only=[i for i in range(len(gold)) if i not in paired_gold],
        pred_only=[j for j in range(len(pred)) if j not in paired_pred],
    )
