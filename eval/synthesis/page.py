"""The synthesis as one self-contained HTML page (pictures inlined, no external files).

Jinja2 with autoescaping on: labels, values and quotes come from papers and are data,
never markup. Every count links to the list of papers and values behind it.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from eval.synthesis import tables
from eval.synthesis.descriptive import Cell, CountTable, share_text
from eval.synthesis.effects import MEASURE_NAMES, RATIO_MEASURES, Effect
from eval.synthesis.names import with_ext
from eval.synthesis.outcome import Outcome
from eval.synthesis.studies import StudySet
from extractor.fileio import atomic_write_text

TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    return env


def _num(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return (
            f"{value:.3g}"
            if abs(value) < 1e-3 and value != 0
            else f"{value:.3f}".rstrip("0").rstrip(".")
        )
    return str(value)


def _image(stem: Path | None) -> str | None:
    if stem is None:
        return None
    data = with_ext(stem, "png").read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _ratio(measure: str, mu: float, ci: tuple[float, float]) -> str | None:
    if measure not in RATIO_MEASURES:
        return None
    return f"{measure} {math.exp(mu):.2f} ({math.exp(ci[0]):.2f} to {math.exp(ci[1]):.2f})"


class _Evidence:
    """Numbers the evidence blocks so each count can link to its own."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, Any]] = []

    def link(self, title: str, cell: Cell | None) -> dict[str, Any]:
        if cell is None or cell.count == 0:
            return {"count": 0, "unchecked": 0, "targets": 0, "anchor": None}
        anchor = f"ev{len(self.blocks) + 1}"
        rows = sorted(cell.contributions, key=lambda c: (c.record, c.value))
        self.blocks.append({"anchor": anchor, "title": title, "rows": rows})
        return {
            "count": cell.count,
            "unchecked": cell.unchecked,
            "targets": cell.targets,
            "anchor": anchor,
        }


def _count_view(table: CountTable, evidence: _Evidence, chart: Path | None) -> dict[str, Any]:
    columns = table.columns
    rows = []
    for name, row in table.rows.items():
        cells = [evidence.link(f"{table.title}: {name} / {c}", row.get(c)) for c in columns]
        rule = table.flagged_rows.get(name)
        rows.append({"name": name, "rule": rule, "cells": cells, "share": _share(table, name)})
    return {
        "title": table.title,
        "kind": table.kind,
        "row_label": table.row_label,
        "columns": columns,
        "rows": rows,
        "share_of": table.share_of,
        "targeted": table.targeted,
        "chart": _image(chart),
    }


def _share(table: CountTable, row: str) -> str:

    return share_text(table, row)


def _derived_view(effects: list[Effect]) -> list[dict[str, Any]]:
    """Per study using derived numbers: each derivation with its inputs and quotes."""
    out = []
    for e in effects:
        if not e.derived:
            continue
        items = [
            {
                "method": d.method,
                "formula": d.formula,
                "inputs": ", ".join(f"{k} = {v:g}" for k, v in d.inputs.items()),
                "quotes": list(d.quotes.items()),
                "warning": d.warning,
            }
            for d in e.derived
        ]
        out.append({"study": e.study.label, "entries": items})
    return out


def write_page(
    path: Path,
    result: Outcome,
    studyset: StudySet,
    charts: dict[str, Path],
    forests: dict[str, Path],
) -> Path:
    evidence = _Evidence()
    descriptive = []
    if result.descriptive is not None:
        for table in result.descriptive.tables:
            descriptive.append(_count_view(table, evidence, charts.get(table.name)))
    analyses = []
    if result.meta is not None:
        for r in result.meta.results:
            p = r.pooled[r.primary]
            est = p.random[result.meta.method]
            s = r.sensitivity
            analyses.append(
                {
                    "name": r.name,
                    "measure": MEASURE_NAMES[r.primary],
                    "k": r.k,
                    "estimate": est.mu,
                    "ci": est.ci,
                    # OR and RR are pooled as logs; readers think in ratios.
                    "ratio": _ratio(r.primary, est.mu, est.ci),
                    "i2": p.i2 * 100,
                    "tau2": p.tau2,
                    "verified_k": s.verified_k if s else None,
                    "verified_shift": s.verified_shift if s else None,
                    "loo_shift": s.max_leave_one_out_shift if s else None,
                    "unchecked": sum(bool(e.unchecked) for e in r.effects[r.primary]),
                    "printed_k": s.printed_k if s else None,
                    "printed_shift": s.printed_shift if s else None,
                    "derived": _derived_view(r.effects[r.primary]),
                    "grouping": list(dict.fromkeys(r.grouping)),
                    "forest": _image(forests.get(r.name)),
                }
            )
    excluded: list[str] = []
    if result.effects is not None:
        excluded += [e.line() for e in result.effects.excluded]
    if result.meta is not None:
        excluded += [p.line() for p in result.meta.problems]
    comparison = None
    if result.comparison is not None:
        comparison = dict(
            zip(("header", "rows"), tables.comparison_summary_table(result.comparison), strict=True)
        )
        comparison["pooled"] = dict(
            zip(
                ("header", "rows"),
                tables.comparison_pooled_table(result.comparison, as_ratio=True),
                strict=True,
            )
        )
    html = (
        _environment()
        .get_template("synthesis.html.j2")
        .render(
            source=str(studyset.source),
            form=studyset.form,
            studies=result.studies,
            method=result.meta.method if result.meta else None,
            multi_arm=result.meta.multi_arm if result.meta else None,
            analyses=analyses,
            excluded=excluded,
            comparison=comparison,
            descriptive=descriptive,
            evidence=evidence.blocks,
            warnings=result.warnings,
        )
    )
    atomic_write_text(path, html)
    return path
