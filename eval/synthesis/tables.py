"""The synthesis as rows: one function per table, shared by the CSV, XLSX, Markdown and HTML."""

from __future__ import annotations

import math
from typing import Any

from eval.synthesis.compare import Comparison
from eval.synthesis.descriptive import CountTable, share_text
from eval.synthesis.effects import RATIO_MEASURES, Effect, EffectTable
from eval.synthesis.meta import MetaAnalyses

Table = tuple[list[str], list[list[Any]]]


def effects_table(table: EffectTable) -> Table:
    header = ["study", "paper_id", "target_id", "measure", "yi", "vi", "se", "ci_low", "ci_high",
              "zero_cell_corrected", "numbers_verified", "unchecked_fields", "derived",
              "grouping"]  # fmt: skip
    rows = []
    for measure, effects in table.effects.items():
        for e in effects:
            low, high = e.ci
            rows.append([e.study.label, e.study.paper_id, e.study.target_id, measure, e.yi, e.vi,
                         e.se, low, high, e.zero_corrected, e.verified,
                         "; ".join(e.unchecked), derivation_text(e), e.study.grouping])  # fmt: skip
    return header, rows


def derivation_text(effect: Effect) -> str:
    return "; ".join(d.describe() for d in effect.derived)


def pooled_effects_table(meta: MetaAnalyses) -> Table:
    """The studies as each analysis pooled them: merged multi-arm trials included."""
    header = ["analysis", "study", "measure", "yi", "ci_low", "ci_high", "derived", "grouping"]
    rows = []
    for r in meta.results:
        for e in r.effects.get(r.primary, []):
            rows.append([r.name, e.study.label, r.primary, e.yi, *e.ci, derivation_text(e),
                         e.study.grouping])  # fmt: skip
    return header, rows


def exclusions_table(table: EffectTable, meta: MetaAnalyses | None) -> Table:
    rows: list[list[Any]] = [
        ["target", e.label, e.code, e.message, e.measure] for e in table.excluded
    ]
    for r in meta.results if meta else []:
        for e in r.excluded:  # left out of this analysis only (a repeat report of a trial)
            rows.append([f"target in {r.name}", e.label, e.code, e.message, e.measure])
    for p in meta.problems if meta else []:
        rows.append(["analysis", p.analysis, p.code, p.message, ""])
    return ["level", "what", "code", "reason", "measures"], rows


def analyses_table(meta: MetaAnalyses) -> Table:
    header = ["analysis", "outcome_type", "measure", "primary", "k", "fixed", "fixed_ci_low",
              "fixed_ci_high", "dl", "dl_ci_low", "dl_ci_high", "tau2_dl", "pm", "pm_ci_low",
              "pm_ci_high", "tau2_pm", "q", "df", "q_p", "i2_percent", "pi_low", "pi_high",
              "scale"]  # fmt: skip
    rows = []
    for r in meta.results:
        for measure, p in r.pooled.items():
            pi = p.prediction_interval(meta.method) or (None, None)
            rows.append([r.name, r.outcome_type, measure, measure == r.primary, p.k, p.fixed.mu,
                         *p.fixed.ci, p.random["DL"].mu, *p.random["DL"].ci, p.tau2["DL"],
                         p.random["PM"].mu, *p.random["PM"].ci, p.tau2["PM"], p.q, p.df,
                         p.q_pvalue, p.i2 * 100, *pi,
                         "log" if measure in RATIO_MEASURES else "raw"])  # fmt: skip
    return header, rows


def sensitivity_table(meta: MetaAnalyses) -> Table:
    header = ["analysis", "measure", "kind", "omitted", "k", "estimate", "ci_low", "ci_high",
              "shift_from_all"]  # fmt: skip
    rows: list[list[Any]] = []
    for r in meta.results:
        s = r.sensitivity
        if s is None:
            continue
        full = r.pooled[r.primary].random[meta.method]
        rows.append([r.name, r.primary, "all studies", "", r.k, full.mu, *full.ci, 0.0])
        for kind, k, pooled, shift in (
            ("verified only", s.verified_k, s.verified, s.verified_shift),
            ("printed only (derived left out)", s.printed_k, s.printed, s.printed_shift),
        ):
            if pooled is not None:
                est = pooled.random[meta.method]
                rows.append([r.name, r.primary, kind, "", k, est.mu, *est.ci, shift])
            else:
                rows.append([r.name, r.primary, kind, "", k, None, None, None, None])
        for row in s.leave_one_out:
            rows.append([r.name, r.primary, "leave one out", row.omitted, r.k - 1, row.mu,
                         *row.ci, row.shift])  # fmt: skip
    return header, rows


def comparison_summary_table(comparison: Comparison) -> Table:
    header = ["measure", "gold_computable", "extracted_computable", "both", "share_computable",
              "identical", f"abs_diff_over_{comparison.tolerance:g}", "share_over_tolerance",
              "direction_flips", "significance_changes", "mean_absolute_difference"]  # fmt: skip
    rows = []
    for s in comparison.summaries.values():
        rows.append([s.measure, s.gold_computable, s.extracted_computable, s.both,
                     s.share_computable, s.identical, s.over_tolerance, s.share_over_tolerance,
                     s.direction_flips, s.significance_changes,
                     s.mean_absolute_difference])  # fmt: skip
    return header, rows


def comparison_targets_table(comparison: Comparison) -> Table:
    header = ["target", "measure", "gold", "gold_ci_low", "gold_ci_high", "extracted",
              "extracted_ci_low", "extracted_ci_high", "difference", "direction_flip",
              "significance_change", "extracted_unchecked_fields"]  # fmt: skip
    rows = []
    for measure, diffs in comparison.targets.items():
        for d in diffs:
            g, x = d.gold, d.extracted
            rows.append([d.label, measure, g.yi if g else None, *(g.ci if g else (None, None)),
                         x.yi if x else None, *(x.ci if x else (None, None)), d.diff,
                         d.direction_flip, d.significance_change,
                         "; ".join(x.unchecked) if x else ""])  # fmt: skip
    return header, rows


def comparison_pooled_table(comparison: Comparison, *, as_ratio: bool = False) -> Table:
    """Pooled gold vs extracted; `as_ratio` shows OR and RR as ratios (for people), the CSV
    keeps the log scale they are pooled on (for tools), and says so in `scale`."""
    header = ["analysis", "measure", "gold_k", "extracted_k", "gold_estimate",
              "extracted_estimate", "difference", "gold_significant",
              "extracted_significant"]  # fmt: skip
    if as_ratio:
        header[6] = "difference (log scale for OR, RR)"
    else:
        header.append("scale")
    rows = []
    for p in comparison.pooled:
        gold, extracted = p.gold_mu, p.extracted_mu
        if as_ratio:
            gold, extracted = shown_value(p.measure, gold), shown_value(p.measure, extracted)
        row = [p.analysis, p.measure, p.gold_k, p.extracted_k, gold, extracted, p.diff,
               p.gold_significant, p.extracted_significant]  # fmt: skip
        if not as_ratio:
            row.append("log" if p.measure in RATIO_MEASURES else "raw")
        rows.append(row)
    return header, rows


def shown_value(measure: str, value: float | None) -> float | None:
    """OR and RR as ratios (they are pooled as logs); other measures as they are."""
    if value is None or measure not in RATIO_MEASURES:
        return value
    return math.exp(value)


def count_table(table: CountTable) -> Table:
    """Counts with the unchecked part apart: `n`, `n_to_check` per column."""
    columns = table.columns
    header = [table.row_label]
    for c in columns:
        header += [c, f"{c} (to check)"]
        if table.targeted:  # papers are counted once; their targets beside them
            header.append("targets" if c == "papers" else f"{c} (targets)")
    if table.share_of:
        header.append(f"share {table.share_of}")
    rows = []
    for name, row in table.rows.items():
        line: list[Any] = [_row_name(table, name)]
        for c in columns:
            cell = row.get(c)
            line += [cell.count if cell else 0, cell.unchecked if cell else 0]
            if table.targeted:
                line.append(cell.targets if cell else 0)
        if table.share_of:
            line.append(share_text(table, name))
        rows.append(line)
    return header, rows


def _row_name(table: CountTable, name: str) -> str:
    rule = table.flagged_rows.get(name)
    return f"{name} (fails the form's rule {rule})" if rule else name


def markdown(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, float):
            return "" if math.isnan(v) else f"{v:.4g}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
