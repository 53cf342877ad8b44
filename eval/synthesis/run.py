"""`litextract synthesize`: every step of the synthesis, written into one output folder.

OUT/summary.md            what was done, what was left out and why
OUT/synthesis.html        one self-contained page: tables, charts, forest plots, evidence
OUT/synthesis.xlsx        every table, one sheet each
OUT/effects.csv, analyses.csv, sensitivity.csv, excluded.csv
OUT/metafor.csv, revman_study_*.csv
OUT/forest/<analysis>.png|svg
OUT/descriptive/*.csv|md, OUT/charts/*.png|svg
OUT/comparison/*.csv      with a gold file: gold vs extracted
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from eval.synthesis import plots, tables
from eval.synthesis.compare import DEFAULT_TOLERANCE, compare
from eval.synthesis.descriptive import Descriptive, describe
from eval.synthesis.effects import RATIO_MEASURES, compute_effects
from eval.synthesis.exports import write_csv, write_metafor, write_revman, write_xlsx
from eval.synthesis.grouping import Analysis
from eval.synthesis.meta import MetaAnalyses, run_meta_analyses
from eval.synthesis.names import file_stem, with_ext
from eval.synthesis.outcome import Outcome
from eval.synthesis.page import write_page
from eval.synthesis.printed import derive_studies
from eval.synthesis.studies import StudySet, fill_labels
from eval.synthesis.trials import assign_study_ids
from extractor.fileio import atomic_write_text
from schemas.errors import InputError
from schemas.roles import effect_roles

NO_RECORDS = "no records to synthesise (a review needs `litextract update` first)"
Progress = Callable[[str, int, int], None]  # (step, done, total)
HEAT_MAPS = 6


@dataclass
class Options:
    method: str = "DL"
    tolerance: float = DEFAULT_TOLERANCE
    plots: bool = True
    sensitivity: bool = True
    derive: bool = True  # fill missing pooled inputs from the printed form, marked derived
    multi_arm: str = "combine"  # or "split": how arms shared within a paper count once
    study_ids: dict[str, str] = field(default_factory=dict)  # paper_id -> trial id (user's)
    # paper_id -> the registration ids its text names (most mentioned first)
    paper_registrations: dict[str, list[str]] = field(default_factory=dict)


def synthesize(
    studyset: StudySet,
    out: Path,
    *,
    analyses: list[Analysis] | None = None,
    gold: StudySet | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
) -> Outcome:
    options = options or Options()
    tick = progress or (lambda step, done, total: None)
    if not studyset.studies:
        # Nothing to count, pool or draw: one line, before any file is written.
        raise InputError(studyset.source, NO_RECORDS)
    out.mkdir(parents=True, exist_ok=True)
    result = Outcome(out, len(studyset.studies), warnings=list(studyset.warnings))
    form = studyset.form
    studies = studyset.studies
    if gold is not None:
        fill_labels(studies, gold.studies)  # grouping rules read the gold's labels
    roles = effect_roles(form)
    gold_studies = gold.studies if gold is not None else []
    if roles is not None:
        if options.derive:
            studies = derive_studies(studies, roles)
            gold_studies = derive_studies(gold_studies, roles)
        studies = assign_study_ids(
            studies, roles, given=options.study_ids, registered=options.paper_registrations
        )
    sheets: list[tuple[str, list[str], list[list]]] = []

    def emit(name: str, table: tables.Table, folder: Path = out) -> None:
        header, rows = table
        result.files.append(write_csv(folder / f"{name}.csv", header, rows))
        sheets.append((name, header, rows))

    started = time.perf_counter()
    if roles is not None:
        tick("effect sizes", 0, 1)
        result.effects = compute_effects(studies, roles)
        result.meta = run_meta_analyses(
            studies,
            result.effects,
            analyses,
            method=options.method,
            with_sensitivity=options.sensitivity,
            roles=roles,
            multi_arm=options.multi_arm,
        )
        emit("effects", tables.effects_table(result.effects))
        emit("analyses", tables.analyses_table(result.meta))
        emit("sensitivity", tables.sensitivity_table(result.meta))
        emit("pooled_studies", tables.pooled_effects_table(result.meta))
        emit("excluded", tables.exclusions_table(result.effects, result.meta))
        result.files.append(
            write_metafor(
                out / "metafor.csv", studies, result.effects, roles, analyses, result.meta
            )
        )
        result.files += write_revman(out, studies, result.effects, roles)
        if gold is not None:
            tick("gold vs extracted", 0, 1)
            result.comparison = compare(
                gold_studies,
                studies,
                roles,
                tolerance=options.tolerance,
                analyses=analyses,
                method=options.method,
            )
            folder = out / "comparison"
            folder.mkdir(exist_ok=True)
            emit("comparison_summary", tables.comparison_summary_table(result.comparison), folder)
            emit("comparison_targets", tables.comparison_targets_table(result.comparison), folder)
            emit("comparison_pooled", tables.comparison_pooled_table(result.comparison), folder)
    elif gold is not None:
        result.warnings.append(
            f"{gold.source}: form {form.name} declares no effect roles, so there are no "
            "effect sizes to compare with the gold"
        )
    result.timings["synthesis"] = time.perf_counter() - started

    started = time.perf_counter()
    tick("descriptive synthesis", 0, 1)
    result.descriptive = describe(studyset.studies, form)  # as extracted, nothing derived
    folder = out / "descriptive"
    folder.mkdir(exist_ok=True)
    for count in result.descriptive.tables:
        table = tables.count_table(count)
        emit(count.name, table, folder)
        if count.kind == "trend":
            path = folder / f"{count.name}.md"
            atomic_write_text(path, f"## {count.title}\n\n" + tables.markdown(*table))
            result.files.append(path)
    result.timings["descriptive"] = time.perf_counter() - started

    started = time.perf_counter()
    charts: dict[str, Path] = {}
    forests: dict[str, Path] = {}
    if options.plots:
        charts = _charts(result.descriptive, out / "charts", tick)
        if result.meta is not None:
            forests = _forests(result.meta, out / "forest", tick)
        result.files += [p for stem in [*charts.values(), *forests.values()] for p in _both(stem)]
    result.timings["plots"] = time.perf_counter() - started

    tick("page", 0, 1)
    result.files.append(write_xlsx(out / "synthesis.xlsx", sheets))
    result.files.append(write_page(out / "synthesis.html", result, studyset, charts, forests))
    result.files.append(_summary(out / "summary.md", result, studyset))
    return result


def _both(stem: Path) -> list[Path]:
    return [with_ext(stem, "png"), with_ext(stem, "svg")]


def _forests(meta: MetaAnalyses, folder: Path, tick: Progress) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    out = {}
    for i, r in enumerate(meta.results):
        tick("forest plots", i, len(meta.results))
        stem = folder / file_stem(r.name, used)
        plots.forest_plot(r, meta.method, stem)
        out[r.name] = stem
    tick("forest plots", len(meta.results), len(meta.results))
    return out


def _charts(descriptive: Descriptive, folder: Path, tick: Progress) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    used: set[str] = set()
    trends = [t for t in descriptive.tables if t.kind == "trend" and t.rows]
    crosstabs = sorted(
        (t for t in descriptive.tables if t.kind == "crosstab" and t.rows),
        key=lambda t: -sum(c.count for row in t.rows.values() for c in row.values()),
    )[:HEAT_MAPS]
    jobs = len(trends) + len(crosstabs)
    for i, t in enumerate(trends):
        tick("charts", i, jobs)
        out[t.name] = folder / file_stem(t.name, used)
        plots.stacked_bars(
            t.counts(),
            t.title,
            out[t.name],
            categories=t.columns,
            binned=t.binned,
            x_label=t.row_label,
            flagged=t.flagged_rows,
        )
    for i, t in enumerate(crosstabs, start=len(trends)):
        tick("charts", i, jobs)
        out[t.name] = folder / file_stem(t.name, used)
        plots.heat_map(
            t.counts(), t.title, out[t.name], row_label=t.row_label, col_label=t.col_label
        )
    tick("charts", jobs, jobs)
    return out


def _summary(path: Path, result: Outcome, studyset: StudySet) -> Path:
    lines = [
        "# Synthesis",
        "",
        f"Source: `{studyset.source}` (form {studyset.form.name} {studyset.form.version}), "
        f"{result.studies} record(s).",
        "",
    ]
    if result.effects is not None and result.meta is not None:
        counts = ", ".join(f"{m} {len(es)}" for m, es in result.effects.effects.items())
        lines += [f"Effect sizes: {counts}.", ""]
        lines += [f"## Meta-analyses ({len(result.meta.results)} pooled)", ""]
        lines.append(tables.markdown(*_pooled_brief(result.meta)))
        lines += _counted_once(result.meta) + _derived_lines(result.meta)
        lines += ["## Left out", ""]
        excluded = [e.line() for e in result.effects.excluded] + [
            p.line() for p in result.meta.problems
        ]
        excluded += [f"{e.line()} (analysis {r.name!r})" for r in result.meta.results
                     for e in r.excluded]  # fmt: skip
        lines += [f"- {line}" for line in excluded] or ["Nothing."]
        lines.append("")
    if result.comparison is not None:
        lines += ["## Gold vs extracted", ""]
        lines.append(tables.markdown(*tables.comparison_summary_table(result.comparison)))
    if result.warnings:
        lines += ["## Warnings", ""] + [f"- {w}" for w in result.warnings] + [""]
    atomic_write_text(path, "\n".join(lines))
    return path


def _counted_once(meta: MetaAnalyses) -> list[str]:
    how = {"combine": "arms combined", "split": "shared arm's N split"}[meta.multi_arm]
    notes = [n for r in meta.results for n in r.grouping]
    lines = ["## Each trial counted once", "",
             f"Arms shared within a paper: {how} (Cochrane Handbook 23.3.4; "
             "`--multi-arm combine|split`). Reports naming one registration number count "
             "once.", ""]  # fmt: skip
    return lines + ([f"- {n}" for n in dict.fromkeys(notes)] or ["Nothing to merge."]) + [""]


def _derived_lines(meta: MetaAnalyses) -> list[str]:
    lines = ["## Derived numbers", ""]
    seen: set[str] = set()
    for r in meta.results:
        for e in r.effects.get(r.primary, []):
            for d in e.derived:
                text = f"- {e.study.label}: {d.describe()}"
                if text not in seen:
                    seen.add(text)
                    lines.append(text)
    if len(lines) == 2:
        lines.append("None: every pooled number is printed in the papers.")
    return [*lines, ""]


def _pooled_brief(meta: MetaAnalyses) -> tables.Table:
    # OR and RR are shown as ratios, as the forest plot shows them; shifts stay on the
    # scale they are pooled on (log for OR, RR), and the header says so.
    header = ["analysis", "measure", "k", f"random ({meta.method})", "95% CI", "I² %",
              "verified-only shift", "derived-free shift", "max leave-one-out shift",
              "shift scale"]  # fmt: skip
    rows = []
    for r in meta.results:
        p = r.pooled[r.primary]
        est = p.random[meta.method]
        s = r.sensitivity
        low, high = (tables.shown_value(r.primary, x) for x in est.ci)
        rows.append([r.name, r.primary, r.k, tables.shown_value(r.primary, est.mu),
                     f"{low:.3f} to {high:.3f}", p.i2 * 100, s.verified_shift if s else None,
                     s.printed_shift if s else None, s.max_leave_one_out_shift if s else None,
                     "log" if r.primary in RATIO_MEASURES else "raw"])  # fmt: skip
    return header, rows
