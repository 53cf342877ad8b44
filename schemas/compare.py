"""Typed comparators: each (record, field) becomes a classified `Cell`.

The audit and the second rater both ask this module, which asks the kind table.

Classes: `correct`, `incorrect`, `missed` (gold has a value, prediction none),
`fabricated` (gold none, prediction has one), `both_empty`. The comparator
follows the field kind (its `equal` in `schemas.kinds`): enums and booleans
exact, text normalised (case, punctuation, aliases), numbers within the field's
tolerance; lists of scalars as sets
(with TP/FP/FN for precision/recall/F1), objects field by field, and lists of
objects aligned one to one first and then compared field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from schemas.align import align_items
from schemas.form import FieldSpec
from schemas.kinds import Kind
from schemas.values import Unparsed, is_empty, normalize_text


class CellClass(StrEnum):
    correct = "correct"
    incorrect = "incorrect"
    missed = "missed"
    fabricated = "fabricated"
    both_empty = "both_empty"


CLASSES = tuple(CellClass)
AGREEING = frozenset({CellClass.correct, CellClass.both_empty})


@dataclass(frozen=True)
class Cell:
    paper_id: str
    target_id: str | None
    field: str  # a sub-field of an object is "parent.child"
    kind: Kind
    gold: Any
    pred: Any
    cls: CellClass
    tp: int = 0
    fp: int = 0
    fn: int = 0
    item: str = ""  # for items of a list of objects: which gold/predicted item, for people
    # The same, for programs (corrections): 1-based positions in the gold/predicted lists.
    gold_item: int | None = None
    pred_item: int | None = None
    top: bool = True  # a whole form field (sub-fields and unpaired items are not)
    leaf: bool = True  # a row reviewers act on (whole objects are represented by their parts)


@dataclass(frozen=True)
class CompareOptions:
    align_threshold: float = 0.6
    default_number_tolerance_rel: float = 0.02


def scalars_equal(spec: FieldSpec, gold: Any, pred: Any, default_rel: float) -> bool:
    """The field kind's comparator; text kept `Unparsed` matches only the identical text."""
    if isinstance(gold, Unparsed) or isinstance(pred, Unparsed):
        return str(gold) == str(pred) and type(gold) is type(pred)
    return spec.kind.equal(spec, gold, pred, default_rel)


def values_match(spec: FieldSpec, first: Any, second: Any) -> bool:
    """Whether two values of one field are the same answer (two raters, say), by the
    audit's own comparators: both empty, or every compared part correct."""
    cells = RecordComparer([spec]).compare("", None, {spec.name: first}, {spec.name: second})
    return all(c.cls in AGREEING for c in cells if c.leaf)


def _empty_class(gold: Any, pred: Any) -> CellClass | None:
    g, p = is_empty(gold), is_empty(pred)
    if g and p:
        return CellClass.both_empty
    if g:
        return CellClass.fabricated
    if p:
        return CellClass.missed
    return None


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class RecordComparer:
    """Compares one gold record with one predicted record, field by field."""

    def __init__(self, fields: list[FieldSpec], options: CompareOptions | None = None) -> None:
        self.fields = fields
        self.options = options or CompareOptions()

    def compare(self, paper_id: str, target_id: str | None, gold: dict, pred: dict) -> list[Cell]:
        self._where = (paper_id, target_id)
        cells: list[Cell] = []
        for spec in self.fields:
            cells.extend(self.field(spec, gold.get(spec.name), pred.get(spec.name)))
        return cells

    def _cell(self, name: str, spec: FieldSpec, gold: Any, pred: Any, cls: CellClass, **kw: Any):
        return Cell(self._where[0], self._where[1], name, spec.kind, gold, pred, cls, **kw)

    def field(self, spec: FieldSpec, gold: Any, pred: Any) -> list[Cell]:
        if spec.kind.is_object:
            return self.object_field(spec, gold, pred)
        if spec.kind.is_object_list:
            return self.object_list_field(spec, gold, pred)
        if spec.kind.is_set:
            return [self.set_field(spec, gold, pred)]
        cls = _empty_class(gold, pred)
        if cls is None:
            same = scalars_equal(spec, gold, pred, self.options.default_number_tolerance_rel)
            cls = CellClass.correct if same else CellClass.incorrect
        return [self._cell(spec.name, spec, gold, pred, cls)]

    def set_field(self, spec: FieldSpec, gold: Any, pred: Any) -> Cell:
        norm = {
            str(v) if isinstance(v, Unparsed) else normalize_text(str(v), spec.aliases)
            for v in _as_list(gold)
        }
        pnorm = {
            str(v) if isinstance(v, Unparsed) else normalize_text(str(v), spec.aliases)
            for v in _as_list(pred)
        }
        tp, fp, fn = len(norm & pnorm), len(pnorm - norm), len(norm - pnorm)
        cls = _empty_class(gold, pred)
        if cls is None:
            cls = CellClass.correct if fp == fn == 0 else CellClass.incorrect
        return self._cell(spec.name, spec, gold, pred, cls, tp=tp, fp=fp, fn=fn)

    def _parts(
        self,
        spec: FieldSpec,
        gold: dict | None,
        pred: dict | None,
        item: str,
        gold_item: int | None = None,
        pred_item: int | None = None,
    ) -> list[Cell]:
        out = []
        for sub in spec.item_fields:
            for cell in self.field(sub, (gold or {}).get(sub.name), (pred or {}).get(sub.name)):
                out.append(
                    Cell(
                        cell.paper_id,
                        cell.target_id,
                        f"{spec.name}.{cell.field}",
                        cell.kind,
                        cell.gold,
                        cell.pred,
                        cell.cls,
                        cell.tp,
                        cell.fp,
                        cell.fn,
                        item,
                        top=False,
                        gold_item=gold_item,
                        pred_item=pred_item,
                    )
                )
        return out

    def object_field(self, spec: FieldSpec, gold: Any, pred: Any) -> list[Cell]:
        parts = self._parts(spec, gold, pred, "")
        cls = _empty_class(gold, pred)
        if cls is None:
            ok = all(p.cls in AGREEING for p in parts)
            cls = CellClass.correct if ok else CellClass.incorrect
        whole = self._cell(spec.name, spec, gold, pred, cls, leaf=False)
        if cls in (CellClass.missed, CellClass.fabricated):
            # One row for the whole missing object says more than a row per sub-field.
            return [Cell(**{**whole.__dict__, "leaf": True})] + [
                Cell(**{**p.__dict__, "leaf": False}) for p in parts
            ]
        return [whole, *parts]

    def object_list_field(self, spec: FieldSpec, gold: Any, pred: Any) -> list[Cell]:
        g_items, p_items = _as_list(gold), _as_list(pred)
        alignment = align_items(g_items, p_items, spec.align_on, self.options.align_threshold)
        cells: list[Cell] = []
        for gi, pj, sim in alignment.pairs:
            label = f"gold #{gi + 1} ~ predicted #{pj + 1} (key similarity {sim:.2f})"
            cells.extend(self._parts(spec, g_items[gi], p_items[pj], label, gi + 1, pj + 1))
        for gi in alignment.gold_only:
            cells.append(
                self._cell(
                    spec.name,
                    spec,
                    g_items[gi],
                    None,
                    CellClass.missed,
                    item=f"gold #{gi + 1}, no predicted match",
                    top=False,
                    gold_item=gi + 1,
                )
            )
        for pj in alignment.pred_only:
            cells.append(
                self._cell(
                    spec.name,
                    spec,
                    None,
                    p_items[pj],
                    CellClass.fabricated,
                    item=f"predicted #{pj + 1}, no gold match",
                    top=False,
                    pred_item=pj + 1,
                )
            )
        tp, fp, fn = len(alignment.pairs), len(alignment.pred_only), len(alignment.gold_only)
        cls = _empty_class(gold, pred)
        if cls is None:
            ok = fp == fn == 0 and all(c.cls in AGREEING for c in cells)
            cls = CellClass.correct if ok else CellClass.incorrect
        whole = self._cell(spec.name, spec, gold, pred, cls, tp=tp, fp=fp, fn=fn, leaf=False)
        return [whole, *cells]
