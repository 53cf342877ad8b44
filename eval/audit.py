"""The audit: load gold and predictions, compare every field, and compute the statistics.

`run_audit` returns an `AuditResult` (pydantic, JSON-ready); `eval.report`
writes it out as metrics.json, disagreements.csv and report.html.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from eval import agreement as ag
from eval.gold import LoadedRecords, RecordEntry, RecordKey, load_records
from eval.settings import AuditSettings, effective_fields
from schemas.compare import AGREEING, CLASSES, Cell, CellClass, CompareOptions, RecordComparer
from schemas.errors import InputError
from schemas.extracted import Triage
from schemas.form import FieldSpec, Form, HeadlineGroups
from schemas.kinds import Kind
from schemas.values import Unparsed

ProgressFn = Callable[[str], None]

DEFINITIONS = {
    "unit": "one (paper, target) record x one form field; sub-fields of objects are "
    "reported as parent.child over paired items",
    "correct": "both have a value and they match under the field's comparator",
    "incorrect": "both have a value and they differ",
    "missed": "gold has a value, the prediction has none",
    "fabricated": "gold has no value, the prediction has one",
    "both_empty": "neither has a value (null, blank or empty list)",
    "accuracy": "(correct + both_empty) / all cells: agreeing that a value is absent counts as "
    "agreement, as in Yun et al. 2024 ('both unknown' is a match)",
    "accuracy_non_empty": "correct / (cells where gold or prediction has a value)",
    "precision_recall_f1": "list fields: micro-averaged over all records, set items after "
    "normalisation; lists of objects: items paired one to one",
    "cohen_kappa": "enum and boolean fields, gold vs prediction over all cells; an empty value "
    "is its own category",
    "gwet_ac1": "as cohen_kappa, with Gwet's chance agreement (robust when one category dominates)",
    "krippendorff_alpha_nominal": "enum and boolean fields; an empty value is missing data",
    "krippendorff_alpha_interval": "integer and number fields; an empty value is missing data",
    "record_exact_match": "forms that declare headline groups (rct_outcomes: by outcome type, as "
    "in Yun et al. 2024): a record is correct when every headline field of its group agrees "
    "(accuracy definition above); per group, from the gold value of the grouping field",
    "confidence_intervals": "percentile bootstrap over papers (all targets of a resampled "
    "paper move together), seeded",
    "coverage": "only records present on both sides are audited; the others are listed",
    "triage": "accuracy (definition above) of the form fields the extractor triaged verified, "
    "check or missing, with the same paper bootstrap; verified is called clearly more accurate "
    "than check only when its point estimate is higher and its interval lies wholly above "
    "check's. Predictions without triage (plain records, older records.jsonl) get no split",
}
NO_TRIAGE = (
    "The predictions carry no triage (plain records, or a records.jsonl written before the "
    "checks), so accuracy is not split by verified / check / missing."
)


class Estimate(BaseModel):
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None


class FieldMetrics(BaseModel):
    field: str
    kind: str
    top_level: bool = True
    n: int
    counts: dict[str, int]
    accuracy: Estimate
    accuracy_non_empty: Estimate
    precision: Estimate | None = None
    recall: Estimate | None = None
    f1: Estimate | None = None
    cohen_kappa: Estimate | None = None
    gwet_ac1: Estimate | None = None
    krippendorff_alpha_nominal: Estimate | None = None
    krippendorff_alpha_interval: Estimate | None = None


class Coverage(BaseModel):
    gold_records: int
    predicted_records: int
    audited_records: int
    gold_papers: int
    predicted_papers: int
    audited_papers: int
    gold_only: list[str] = Field(description="records in gold without a prediction")
    predictions_only: list[str] = Field(description="predicted records without gold")


class OutcomeTypeMatch(BaseModel):
    outcome_type: str
    records: int
    fields: list[str]
    per_field_accuracy: dict[str, Estimate]
    all_fields_exact: Estimate


class RecordExactMatch(BaseModel):
    grouped_by: str
    groups: list[OutcomeTypeMatch]


class Disagreement(BaseModel):
    paper_id: str
    target_id: str | None
    target: str = ""
    field: str
    item: str
    gold_item: int | None = Field(
        default=None, description="lists of objects: 1-based position of the item in the gold list"
    )
    pred_item: int | None = Field(
        default=None,
        description="lists of objects: 1-based position of the item in the predicted list",
    )
    gold: str
    predicted: str
    cls: CellClass
    status: str
    quote: str
    page: str
    grounded: str = Field(
        default="",
        description="yes: a quote was found in the paper; no: none was; empty: no quote",
    )
    triage: str = Field(default="", description="the extractor's triage; empty: none given")
    reasons: str = Field(default="", description="its finding codes, '; '-separated")


class TriageLevel(BaseModel):
    n: int = Field(description="values (form fields of audited records) at this triage level")
    counts: dict[str, int]
    accuracy: Estimate


class TriageSplit(BaseModel):
    field: str
    levels: dict[str, TriageLevel] = Field(description="verified, check, missing")
    untriaged: int = Field(default=0, description="values whose record line has no triage")
    verified_share: float | None = Field(
        default=None,
        description="share of the triaged values that came out verified (the values a "
        "reviewer need not look at); None: no triaged value",
    )
    verified_clearly_better: bool | None = Field(
        description="verified more accurate than check beyond the intervals; None: one of the "
        "two levels has no value, so there is nothing to compare"
    )


class TriageAudit(BaseModel):
    available: bool
    verdict: str = Field(description="the sentence the CLI and report.html print")
    overall: TriageSplit | None = None
    fields: list[TriageSplit] = Field(default_factory=list)


class AuditResult(BaseModel):
    form: str
    form_version: str
    gold: str
    predictions: str
    created_at: str
    settings: dict[str, Any]
    definitions: dict[str, str]
    coverage: Coverage
    overall: FieldMetrics
    macro_accuracy: float | None
    fields: list[FieldMetrics]
    record_exact_match: RecordExactMatch | None = None
    triage: TriageAudit
    disagreements: list[Disagreement]
    warnings: list[str]

    @property
    def ci_percent(self) -> str:
        """The confidence level of the intervals as people write it ("95%"), from the settings."""
        return _percent(self.settings["bootstrap"]["level"])

    @property
    def ci_label(self) -> str:
        return f"{self.ci_percent} CI"

    def metrics(self) -> dict[str, Any]:
        """Everything except the disagreement rows: the content of metrics.json."""
        return self.model_dump(mode="json", exclude={"disagreements"}) | {
            "disagreements": len(self.disagreements)
        }


def _percent(level: float) -> str:
    return f"{level * 100:.4g}%"


def _label(key: RecordKey) -> str:
    return key[0] if key[1] is None else f"{key[0]} / target {key[1]}"


def select_fields(form: Form, settings: AuditSettings, only: list[str] | None) -> list[FieldSpec]:
    specs = effective_fields(form, settings)
    if not only:
        return specs
    unknown = sorted(set(only) - {s.name for s in specs})
    if unknown:
        raise InputError("--fields", f"unknown field(s) {', '.join(unknown)} in form {form.name}")
    return [s for s in specs if s.name in only]


def run_audit(
    gold_path: str | Path,
    pred_path: str | Path,
    form: Form,
    settings: AuditSettings | None = None,
    *,
    only_fields: list[str] | None = None,
    progress: ProgressFn | None = None,
) -> AuditResult:
    settings = settings or AuditSettings()
    say = progress or (lambda _msg: None)
    specs = select_fields(form, settings, only_fields)
    every = effective_fields(form, settings)  # unselected fields are still valid input
    options = dict(targeted=form.targeted, numeric_text=settings.numeric_text, form_name=form.name)
    say("loading gold")
    gold = load_records(gold_path, every, role="gold", **options)  # type: ignore[arg-type]
    say("loading predictions")
    pred = load_records(pred_path, every, role="predictions", **options)  # type: ignore[arg-type]

    keys = sorted(set(gold.entries) & set(pred.entries), key=lambda k: (k[0], k[1] or ""))
    coverage = _coverage(gold, pred, keys)
    if not keys:
        raise InputError(pred.path, "no record matches the gold by paper_id/target_id")

    say(f"comparing {len(keys)} records")
    comparer = RecordComparer(
        specs, CompareOptions(settings.align_threshold, settings.default_number_tolerance_rel)
    )
    cells_by_key = {
        k: comparer.compare(k[0], k[1], gold.entries[k].values, pred.entries[k].values)
        for k in keys
    }
    all_cells = [c for k in keys for c in cells_by_key[k]]

    say("statistics and bootstrap")
    papers = sorted({k[0] for k in keys})
    stats = _Stats(papers, settings)
    fields_out = _field_metrics(specs, all_cells, stats)
    top = [c for c in all_cells if c.top]
    overall = stats.field_metrics("(all fields)", None, top, top_level=True)
    accuracies = [
        f.accuracy.value for f in fields_out if f.top_level and f.accuracy.value is not None
    ]

    exact = None
    if form.headline_groups is not None:
        exact = _record_exact_match(form.headline_groups, gold.entries, cells_by_key, keys, stats)

    return AuditResult(
        form=form.name,
        form_version=form.version,
        gold=str(gold.path),
        predictions=str(pred.path),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        settings=settings.model_dump(mode="json") | {"fields_audited": [s.name for s in specs]},
        definitions=DEFINITIONS,
        coverage=coverage,
        overall=overall,
        macro_accuracy=float(np.mean(accuracies)) if accuracies else None,
        fields=fields_out,
        record_exact_match=exact,
        triage=_triage_audit(specs, top, pred.entries, stats),
        disagreements=_disagreements(all_cells, gold.entries, pred.entries),
        warnings=[f"gold: {w}" for w in gold.warnings]
        + [f"predictions: {w}" for w in pred.warnings],
    )


def _coverage(gold: LoadedRecords, pred: LoadedRecords, keys: list[RecordKey]) -> Coverage:
    g, p = set(gold.entries), set(pred.entries)
    return Coverage(
        gold_records=len(g),
        predicted_records=len(p),
        audited_records=len(keys),
        gold_papers=len({k[0] for k in g}),
        predicted_papers=len({k[0] for k in p}),
        audited_papers=len({k[0] for k in keys}),
        gold_only=[_label(k) for k in sorted(g - p, key=lambda k: (k[0], k[1] or ""))],
        predictions_only=[_label(k) for k in sorted(p - g, key=lambda k: (k[0], k[1] or ""))],
    )


class _Stats:
    """Per-paper sufficient statistics -> point estimate + bootstrap CI."""

    def __init__(self, papers: list[str], settings: AuditSettings) -> None:
        self.index = {p: i for i, p in enumerate(papers)}
        self.level = settings.bootstrap.level
        self.weights = ag.paper_weights(
            len(papers), settings.bootstrap.resamples, settings.bootstrap.seed
        )

    def per_paper(self, paper_ids: list[str], rows: np.ndarray) -> np.ndarray:
        out = np.zeros((len(self.index), rows.shape[1]))
        np.add.at(out, [self.index[p] for p in paper_ids], rows)
        return out

    def estimate(self, paper_ids: list[str], rows: np.ndarray, fn: ag.StatFn) -> Estimate:
        per_paper = self.per_paper(paper_ids, rows)
        value = float(fn(per_paper.sum(axis=0)))
        if not np.isfinite(value):
            return Estimate(value=None)
        low, high = ag.bootstrap_ci(per_paper, fn, self.weights, self.level)
        return Estimate(value=value, ci_low=low, ci_high=high)

    def accuracy(self, cells: list[Cell]) -> Estimate:
        """Accuracy (agreeing cells / cells) of any set of cells, with its paper bootstrap."""
        agree = np.array([[c.cls in AGREEING, 1] for c in cells], dtype=float).reshape(-1, 2)
        return self.estimate([c.paper_id for c in cells], agree, ag.ratio_from_stats)

    def field_metrics(
        self, name: str, kind: Kind | None, cells: list[Cell], *, top_level: bool
    ) -> FieldMetrics:
        """Metrics of one field's cells (`kind` None: cells of every field together)."""
        ids = [c.paper_id for c in cells]
        non_empty = np.array(
            [[c.cls is CellClass.correct, c.cls is not CellClass.both_empty] for c in cells],
            dtype=float,
        )
        metrics = FieldMetrics(
            field=name,
            kind=str(kind) if kind is not None else "all",
            top_level=top_level,
            n=len(cells),
            counts=_class_counts(cells),
            accuracy=self.accuracy(cells),
            accuracy_non_empty=self.estimate(ids, non_empty, ag.ratio_from_stats),
        )
        if kind is None:
            return metrics
        if kind.is_list:
            prf = np.array([[c.tp, c.fp, c.fn] for c in cells], dtype=float)
            metrics.precision = self.estimate(ids, prf, ag.precision_from_stats)
            metrics.recall = self.estimate(ids, prf, ag.recall_from_stats)
            metrics.f1 = self.estimate(ids, prf, ag.f1_from_stats)
        if kind.is_categorical:
            self._categorical(metrics, cells, ids)
        if kind.is_numeric:
            pairs = [tuple(_number_or_none(v) for v in (c.gold, c.pred)) for c in cells]
            rows = np.array([ag.interval_alpha_stats([p]) for p in pairs])
            metrics.krippendorff_alpha_interval = self.estimate(
                ids, rows, ag.interval_alpha_from_stats
            )
        return metrics

    def _categorical(self, metrics: FieldMetrics, cells: list[Cell], ids: list[str]) -> None:
        empty = "(empty)"
        labels = [(_category(c, c.gold) or empty, _category(c, c.pred) or empty) for c in cells]
        categories = sorted({v for pair in labels for v in pair})
        kappa_rows = np.array([ag.confusion_stats([g], [p], categories) for g, p in labels])
        metrics.cohen_kappa = self.estimate(ids, kappa_rows, ag.kappa_from_stats)
        ac1_rows = np.array([ag.ac1_stats([pair], categories) for pair in labels])
        metrics.gwet_ac1 = self.estimate(ids, ac1_rows, ag.ac1_from_stats)
        units = [(_category(c, c.gold), _category(c, c.pred)) for c in cells]
        present = sorted({v for u in units for v in u if v is not None})
        if present:
            rows = np.array([ag.nominal_alpha_stats([u], present) for u in units])
            metrics.krippendorff_alpha_nominal = self.estimate(
                ids, rows, ag.nominal_alpha_from_stats
            )


def _class_counts(cells: list[Cell]) -> dict[str, int]:
    return {cls.value: sum(c.cls is cls for c in cells) for cls in CLASSES}


def _category(cell: Cell, value: Any) -> str | None:
    return None if value is None else cell.kind.display(value)


def _number_or_none(value: Any) -> float | None:
    if value is None or isinstance(value, (Unparsed, bool)):
        return None
    return float(value)


def _field_metrics(specs: list[FieldSpec], cells: list[Cell], stats: _Stats) -> list[FieldMetrics]:
    groups: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.top or "." in cell.field:
            groups[cell.field].append(cell)
    out = []
    for spec in specs:
        out.append(stats.field_metrics(spec.name, spec.kind, groups[spec.name], top_level=True))
        for sub in spec.item_fields:
            name = f"{spec.name}.{sub.name}"
            if groups.get(name):
                out.append(stats.field_metrics(name, sub.kind, groups[name], top_level=False))
    return out


def _record_exact_match(
    headline: HeadlineGroups,
    gold: dict[RecordKey, RecordEntry],
    cells_by_key: dict[RecordKey, list[Cell]],
    keys: list[RecordKey],
    stats: _Stats,
) -> RecordExactMatch:
    by = headline.by
    out = []
    for group, group_fields in headline.groups.items():
        members = [k for k in keys if gold[k].values.get(by) == group]
        if not members:
            continue
        ids = [k[0] for k in members]
        agree = {k: {c.field: c.cls in AGREEING for c in cells_by_key[k] if c.top} for k in members}
        fields = [f for f in group_fields if f in agree[members[0]]]
        per_field = {
            f: stats.estimate(
                ids, np.array([[agree[k][f], 1] for k in members], float), ag.ratio_from_stats
            )
            for f in fields
        }
        rows = np.array([[all(agree[k][f] for f in fields), 1] for k in members], float)
        out.append(
            OutcomeTypeMatch(
                outcome_type=group,
                records=len(members),
                fields=fields,
                per_field_accuracy=per_field,
                all_fields_exact=stats.estimate(ids, rows, ag.ratio_from_stats),
            )
        )
    return RecordExactMatch(grouped_by=by, groups=out)


LevelOf = Callable[[Cell], str | None]


def _triage_audit(
    specs: list[FieldSpec],
    top: list[Cell],
    pred: dict[RecordKey, RecordEntry],
    stats: _Stats,
) -> TriageAudit:
    """Accuracy per triage level, overall and per form field (top-level cells only:
    triage is given per form field, and its parts share it)."""

    def level_of(cell: Cell) -> str | None:
        return pred[(cell.paper_id, cell.target_id)].triage.get(cell.field)

    if all(level_of(c) is None for c in top):
        return TriageAudit(available=False, verdict=NO_TRIAGE)
    by_field: dict[str, list[Cell]] = defaultdict(list)
    for cell in top:
        by_field[cell.field].append(cell)
    overall = _triage_split("(all fields)", top, level_of, stats)
    fields = [_triage_split(s.name, by_field[s.name], level_of, stats) for s in specs]
    return TriageAudit(
        available=True,
        verdict=_triage_verdict(overall, fields, _percent(stats.level)),
        overall=overall,
        fields=fields,
    )


def _triage_split(name: str, cells: list[Cell], level_of: LevelOf, stats: _Stats) -> TriageSplit:
    levels = {}
    for level in Triage:
        members = [c for c in cells if level_of(c) == level.value]
        levels[level.value] = TriageLevel(
            n=len(members),
            counts=_class_counts(members),
            accuracy=stats.accuracy(members) if members else Estimate(value=None),
        )
    triaged = sum(lv.n for lv in levels.values())
    return TriageSplit(
        field=name,
        levels=levels,
        untriaged=len(cells) - triaged,
        verified_share=levels[Triage.verified].n / triaged if triaged else None,
        verified_clearly_better=_clearly_better(levels),
    )


def _clearly_better(levels: dict[str, TriageLevel]) -> bool | None:
    if not levels[Triage.verified].n or not levels[Triage.check].n:
        return None
    verified, check = levels[Triage.verified].accuracy, levels[Triage.check].accuracy
    if verified.value is None or check.value is None:
        return False
    if verified.ci_low is None or check.ci_high is None:
        return False  # an interval that cannot be computed separates nothing
    return verified.value > check.value and verified.ci_low > check.ci_high


def _with_ci(estimate: Estimate, percent: str) -> str:
    if estimate.value is None:
        return "n/a"
    if estimate.ci_low is None or estimate.ci_high is None:
        return f"{estimate.value:.3f}"
    return f"{estimate.value:.3f} ({percent} CI {estimate.ci_low:.3f}-{estimate.ci_high:.3f})"


def _triage_verdict(overall: TriageSplit, fields: list[TriageSplit], percent: str) -> str:
    """The sentence a reviewer acts on: may verified values be trusted more than the rest?"""
    levels = overall.levels
    verified, check = levels[Triage.verified], levels[Triage.check]
    if not verified.n:
        text = (
            f"No audited value is triaged verified ({check.n} check, "
            f"{levels[Triage.missing].n} missing): the checks vouch for none of them."
        )
    elif not check.n:
        text = "No audited value is triaged check, so verified cannot be compared with check."
    else:
        both = (
            f"verified {_with_ci(verified.accuracy, percent)} against check "
            f"{_with_ci(check.accuracy, percent)}"
        )
        if overall.verified_clearly_better:
            text = f"Verified values are clearly more accurate than check values: {both}."
        else:
            v, c = verified.accuracy.value, check.accuracy.value
            if v is None or c is None or v <= c:
                why = "its accuracy is not higher: the triage does not separate right values "
                why += "from wrong ones here"
            else:
                why = "the intervals overlap: these papers do not show that it does"
            text = (
                f"Verified values are NOT clearly more accurate than check values ({why}): "
                f"{both}. Verified values need checking too."
            )
    if overall.verified_share is not None:
        text += (
            f" {verified.n} of {sum(lv.n for lv in levels.values())} values "
            f"({100 * overall.verified_share:.1f} %) came out verified."
        )
    weak = [f.field for f in fields if f.verified_clearly_better is False]
    if weak:
        text += (
            f" Fields where verified is not clearly more accurate than check: {', '.join(weak)}."
        )
    if overall.untriaged:
        text += f" {overall.untriaged} value(s) carry no triage and are left out of the split."
    return text


def _disagreements(
    cells: list[Cell], gold: dict[RecordKey, RecordEntry], pred: dict[RecordKey, RecordEntry]
) -> list[Disagreement]:
    rows = []
    for cell in cells:
        if not cell.leaf or cell.cls in AGREEING:
            continue
        key = (cell.paper_id, cell.target_id)
        entry = pred[key]
        target = gold[key].target or entry.target or {}
        top = cell.field.split(".")[0]
        evidence = entry.evidence.get(top, [])
        rows.append(
            Disagreement(
                paper_id=cell.paper_id,
                target_id=cell.target_id,
                target=" · ".join(f"{k}: {v}" for k, v in target.items()),
                field=cell.field,
                item=cell.item,
                gold_item=cell.gold_item,
                pred_item=cell.pred_item,
                gold=cell.kind.display(cell.gold),
                predicted=cell.kind.display(cell.pred),
                cls=cell.cls,
                status=entry.status.get(top, ""),
                quote=" … ".join(e.quote for e in evidence),
                page=", ".join(str(e.page) for e in evidence if e.page is not None),
                grounded=("yes" if any(e.grounded for e in evidence) else "no") if evidence else "",
                triage=entry.triage.get(top, ""),
                reasons="; ".join(entry.reasons.get(top, [])),
            )
        )
    return rows
