"""Write an `AuditResult` out: metrics.json, disagreements.csv and a self-contained report.html.

Every file is written to a temporary name and moved into place, so a reader
never sees half a report. The HTML has no external assets (inline CSS and
SVG) and escapes every value: quotes from papers are data, never markup.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from eval.audit import AuditResult, Estimate, FieldMetrics
from extractor.fileio import atomic_write_text
from extractor.review.disagreements import COLUMNS, DisagreementRow
from extractor.review.disagreements import disagreements_csv as write_disagreements
from schemas.compare import CLASSES
from schemas.extracted import Triage

TEMPLATES = Path(__file__).resolve().parent / "templates"
CLASS_COLOURS = {
    "correct": "#2e7d32",
    "both_empty": "#b0bec5",
    "incorrect": "#c62828",
    "missed": "#ef6c00",
    "fabricated": "#6a1b9a",
}
TRIAGE_COLOURS = {Triage.verified: "#2e7d32", Triage.check: "#ef6c00", Triage.missing: "#78909c"}
CSV_COLUMNS = COLUMNS  # disagreements.csv, as corrections read it back


# The audit's names for the evidence columns of disagreements.csv.
_RENAMED = {"quote": "evidence_quote", "page": "evidence_page", "grounded": "evidence_in_paper"}


def disagreements_csv(result: AuditResult) -> str:
    return write_disagreements(
        DisagreementRow(**{_RENAMED.get(k, k): v for k, v in d.model_dump(mode="json").items()})
        for d in result.disagreements
    )


def _bar(metrics: FieldMetrics, width: float = 260.0) -> list[dict[str, Any]]:
    total = max(metrics.n, 1)
    x = 0.0
    segments = []
    for cls in CLASSES:
        count = metrics.counts.get(cls.value, 0)
        if not count:
            continue
        w = width * count / total
        segments.append(
            {
                "x": round(x, 2),
                "w": round(w, 2),
                "colour": CLASS_COLOURS[cls.value],
                "label": f"{cls.value}: {count}",
            }
        )
        x += w
    return segments


def _fmt(estimate: Estimate | None, digits: int = 3) -> str:
    if estimate is None or estimate.value is None:
        return ""
    return f"{estimate.value:.{digits}f}"


def _ci(estimate: Estimate | None, digits: int = 3) -> str:
    if estimate is None or estimate.ci_low is None or estimate.ci_high is None:
        return ""
    return f"[{estimate.ci_low:.{digits}f}, {estimate.ci_high:.{digits}f}]"


def _breakable(name: str) -> Markup:
    """A field name that may wrap after "_" or "." instead of mid-word."""
    return Markup(str(escape(name)).replace("_", "_<wbr>").replace(".", ".<wbr>"))


def render_html(result: AuditResult) -> str:
    env = Environment(
        # A path, not a package lookup: under pytest a tests/ folder can shadow the package name.
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _fmt
    env.filters["ci"] = _ci
    env.filters["breakable"] = _breakable
    rows = [{"m": m, "bar": _bar(m)} for m in result.fields]
    # Only the statistic columns that apply to at least one field of this form.
    shown = {
        name: any(getattr(m, attr) is not None for m in result.fields)
        for name, attr in (("prf", "f1"), ("kappa", "cohen_kappa"), ("ac1", "gwet_ac1"))
    }
    shown["alpha"] = any(
        m.krippendorff_alpha_nominal or m.krippendorff_alpha_interval for m in result.fields
    )
    return env.get_template("report.html.j2").render(
        r=result,
        rows=rows,
        shown=shown,
        overall_bar=_bar(result.overall),
        colours=CLASS_COLOURS,
        classes=[c.value for c in CLASSES],
        triage_levels=[t.value for t in Triage],
        triage_colours=TRIAGE_COLOURS,
    )


def write_outputs(result: AuditResult, out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    paths = {
        "metrics": out / "metrics.json",
        "disagreements": out / "disagreements.csv",
        "report": out / "report.html",
    }
    atomic_write_text(paths["metrics"], json.dumps(result.metrics(), indent=2, ensure_ascii=False))
    # utf-8-sig: the BOM makes Excel read the file as UTF-8.
    atomic_write_text(paths["disagreements"], disagreements_csv(result), encoding="utf-8-sig")
    atomic_write_text(paths["report"], render_html(result))
    return paths
