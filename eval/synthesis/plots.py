"""Pictures: forest plots of the meta-analyses, stacked bars over years, heat maps.

matplotlib with the Agg backend (no display needed); each figure is written as PNG and
SVG. Studies whose numbers are still `check`, or whose quotes were not found in the
paper, are drawn hollow and orange with a "?" beside their label, so a reader sees at a
glance which points rest on unchecked extraction. A study using a derived number is
labelled "†" (purple), a multi-arm trial counted once "‡", each explained in the footnote.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from eval.synthesis.effects import MEASURE_NAMES, RATIO_MEASURES, Effect
from eval.synthesis.meta import AnalysisResult
from eval.synthesis.names import with_ext
from extractor.fileio import atomic_path

VERIFIED_COLOUR = "#1f4e79"
UNCHECKED_COLOUR = "#d95f02"
POOLED_COLOUR = "#222222"
RULE_COLOUR = "#b2182b"  # values that fail the form's rules
DERIVED_COLOUR = "#6a3d9a"  # numbers derived from what the paper printed
DERIVED_MARK = "  †"  # a study using a derived number (SD from SE, events from %...)
COMBINED_MARK = "  ‡"  # a multi-arm trial counted once (arms combined or split)
LABEL_CHARS = 38
# Colour-blind-safe qualitative palette (Okabe & Ito 2008), then greys.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#BBBBBB",
    "#666666",
    "#DDDDDD",
]


def save(fig: Figure, stem: Path, *, tight: bool = True) -> list[Path]:
    """Write `stem`.png and `stem`.svg atomically; returns both paths.

    `tight=False` for layouts that set their own margins (forest plots): the "tight"
    bounding box costs one more drawing pass per file.
    """
    out = []
    for suffix, kwargs in ((".png", {"dpi": 150}), (".svg", {})):
        path = with_ext(stem, suffix)
        with atomic_path(path) as tmp:
            box = {"bbox_inches": "tight"} if tight else {}
            fig.savefig(tmp, format=suffix[1:], **box, **kwargs)
        out.append(path)
    plt.close(fig)
    return out


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(measure: str, value: float) -> float:
    return math.exp(value) if measure in RATIO_MEASURES else value


def _fmt(measure: str, mu: float, low: float, high: float) -> str:
    return f"{_shown(measure, mu):.2f} [{_shown(measure, low):.2f}, {_shown(measure, high):.2f}]"


def _arms(effect: Effect) -> tuple[str, str]:
    n = effect.inputs
    if "ai" in n:
        return f"{n['ai']:g}/{n['n1i']:g}", f"{n['ci']:g}/{n['n2i']:g}"
    return (
        f"{n['m1i']:.3g} ({n['sd1i']:.3g}), {n['n1i']:g}",
        f"{n['m2i']:.3g} ({n['sd2i']:.3g}), {n['n2i']:g}",
    )


def forest_plot(result: AnalysisResult, method: str, stem: Path) -> list[Path]:
    """One row per study, then the fixed and random summaries and the prediction interval."""
    measure = result.primary
    effects = result.effects[measure]
    pooled = result.pooled[measure]
    rows = len(effects) + 4  # studies, a gap, fixed, random, prediction interval
    notes = _footnote(result, method).count("\n")  # footnote lines beyond the first
    height = 1.7 + 0.28 * rows + 0.16 * notes
    fig = plt.figure(figsize=(12, height))
    grid = fig.add_gridspec(1, 3, width_ratios=[4.6, 3.6, 2.6], wspace=0.02)
    left, mid, right = (fig.add_subplot(grid[0, i]) for i in range(3))
    for ax in (left, right):
        ax.set_axis_off()
    for ax in (left, mid, right):
        ax.set_ylim(-0.8, rows + 0.9)
    binary = "ai" in effects[0].inputs
    headers = [
        (left, 0, "study"),
        (left, 0.56, "intervention"),
        (left, 0.78, "comparator"),
        (right, 0.02, "estimate [95% CI]"),
        (right, 0.72, f"weight {method}"),
    ]
    for ax, x, text in headers:
        ax.text(x, rows + 0.3, text, fontweight="bold", va="center", fontsize=9)
    unit = "events/n" if binary else "mean (SD), n"
    for x in (0.56, 0.78):
        left.text(x, rows - 0.2, unit, va="center", fontsize=7.5, color="#555555")
    xs: list[float] = []
    for i, (effect, weight) in enumerate(zip(effects, pooled.weights[method], strict=True)):
        xs += list(effect.ci)
        _study_row(left, mid, right, effect, weight, y=rows - 1 - i)
    y = 2.0
    for name, est in (
        ("Fixed effect", pooled.fixed),
        (f"Random effects ({method})", pooled.random[method]),
    ):
        xs += list(est.ci)
        _diamond(mid, est.mu, *est.ci, y)
        left.text(0, y, name, va="center", fontsize=9, fontweight="bold")
        right.text(0.02, y, _fmt(measure, est.mu, *est.ci), va="center", fontsize=9)
        y -= 1
    mid.axvline(0, color="#888888", lw=0.8, ls="--")
    x_min, x_max = _effect_axis(mid, measure, xs)
    interval = pooled.prediction_interval(method)
    if interval is not None:
        # With few studies (t with k-2 df) the interval can dwarf every CI: it is drawn
        # within the axis, an arrow marking where it runs on.
        low, high = max(interval[0], x_min), min(interval[1], x_max)
        mid.plot([low, high], [y, y], color=POOLED_COLOUR, lw=2.5, solid_capstyle="butt")
        if interval[0] < x_min:
            mid.plot(low, y, marker="<", color=POOLED_COLOUR, ms=7)
        if interval[1] > x_max:
            mid.plot(high, y, marker=">", color=POOLED_COLOUR, ms=7)
        left.text(0, y, "Prediction interval", va="center", fontsize=9)
        shown = f"[{_shown(measure, interval[0]):.3g}, {_shown(measure, interval[1]):.3g}]"
        right.text(0.02, y, shown, va="center", fontsize=9)
    fig.text(0.01, 0.005, _footnote(result, method), fontsize=8, va="bottom", ha="left")
    # The title sits a fixed 0.15 inch from the top whatever the plot's height (a tall
    # plot's default position would fall onto the column headers).
    fig.suptitle(
        _short(result.name, 100), fontsize=11, fontweight="bold", x=0.01, ha="left",
        y=1 - 0.15 / height, va="top",
    )  # fmt: skip
    bottom = (1.0 + 0.16 * notes) / height + 0.02
    fig.subplots_adjust(left=0.01, right=0.99, bottom=bottom, top=1 - 0.45 / height)
    return save(fig, stem, tight=False)


def _study_row(
    left: Axes, mid: Axes, right: Axes, effect: Effect, weight: float, *, y: float
) -> None:
    measure = effect.measure
    low, high = effect.ci
    unchecked = bool(effect.unchecked)
    colour = UNCHECKED_COLOUR if unchecked else VERIFIED_COLOUR
    mid.plot([low, high], [y, y], color=colour, lw=1.2)
    mid.plot(
        effect.yi,
        y,
        marker="s",
        ms=4 + 10 * math.sqrt(weight / 100),
        color=colour,
        markerfacecolor="white" if unchecked else colour,
        markeredgewidth=1.5,
    )
    marks = ("  ?" if unchecked else "") + (DERIVED_MARK if effect.derived else "")
    marks += COMBINED_MARK if effect.study.grouping else ""
    label = _short(effect.study.label) + marks
    text_colour = colour if unchecked else DERIVED_COLOUR if effect.derived else "black"
    left.text(0, y, label, va="center", fontsize=8.5, color=text_colour)
    for x, text in zip((0.56, 0.78), _arms(effect), strict=True):
        left.text(x, y, text, va="center", fontsize=8)
    right.text(0.02, y, _fmt(measure, effect.yi, low, high), va="center", fontsize=8.5)
    right.text(0.72, y, f"{weight:.1f}%", va="center", fontsize=8.5)


def _footnote(result: AnalysisResult, method: str) -> str:
    measure = result.primary
    pooled = result.pooled[measure]
    other = "PM" if method == "DL" else "DL"
    rand_other = pooled.random[other]
    lines = [
        f"Heterogeneity: Q = {pooled.q:.2f} (df = {pooled.df}, p = {pooled.q_pvalue:.3g}), "
        f"I² = {pooled.i2 * 100:.1f}%, τ² DL = {pooled.tau2['DL']:.4g}, "
        f"PM = {pooled.tau2['PM']:.4g}. Random effects ({other}): "
        f"{_fmt(measure, rand_other.mu, *rand_other.ci)}.",
    ]
    effects = result.effects[measure]
    flagged = sum(bool(e.unchecked) for e in effects)
    if flagged:
        lines.append(
            f"? and hollow orange: {flagged} of {len(effects)} studies use numbers still to "
            "check or whose quote was not found in the paper."
        )
    corrected = sum(e.zero_corrected for e in effects)
    if corrected:
        lines.append(f"{corrected} table(s) with a zero cell: 0.5 added to each cell.")
    derived = [e for e in effects if e.derived]
    if derived:
        methods = sorted({d.method.split(" (")[0] for e in derived for d in e.derived})
        lines.append(
            f"{DERIVED_MARK.strip()} derived: {len(derived)} of {len(effects)} studies use numbers "
            f"not printed as such ({'; '.join(methods)}); see summary.md."
        )
    grouped = [e for e in effects if e.study.grouping]
    for e in grouped:
        lines.append(f"{COMBINED_MARK.strip()} {_short(e.study.grouping, 190)}")
    return "\n".join(lines)


def _diamond(ax: Axes, mu: float, low: float, high: float, y: float) -> None:
    ax.fill([low, mu, high, mu], [y, y + 0.3, y, y - 0.3], color=POOLED_COLOUR)


_FINE_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
_DECADE_TICKS = (0.0001, 0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000)


def _effect_axis(ax: Axes, measure: str, xs: list[float]) -> tuple[float, float]:
    """Limits from the study and summary CIs (and the line of no effect); returns them."""
    finite = [x for x in xs if math.isfinite(x)]
    low, high = min([*finite, 0.0]), max([*finite, 0.0])
    pad = (high - low) * 0.06 or 0.1
    x_min, x_max = low - pad, high + pad
    ax.set_xlim(x_min, x_max)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    if measure in RATIO_MEASURES:
        candidates = _DECADE_TICKS if x_max - x_min > math.log(1000) else _FINE_TICKS
        ticks: list[float] = []
        for t in candidates:
            x = math.log(t)
            # Keep ticks at least 7% of the axis apart, so labels never overlap.
            far = not ticks or x - math.log(ticks[-1]) > 0.07 * (x_max - x_min)
            if x_min <= x <= x_max and (far or t == 1):
                if ticks and not far:
                    ticks.pop()  # 1 (no effect) wins over its crowded neighbour
                ticks.append(t)
        ax.set_xticks([math.log(t) for t in ticks])
        ax.set_xticklabels([f"{t:g}" for t in ticks], fontsize=8)
        name = {"OR": "odds ratio", "RR": "risk ratio", "PETO": "Peto odds ratio"}[measure]
        direction = "← fewer events with intervention · more events →"
        ax.set_xlabel(f"{name} (log scale)\n{direction}", fontsize=8)
    else:
        ax.tick_params(axis="x", labelsize=8)
        direction = "← lower with intervention · higher →"
        ax.set_xlabel(f"{MEASURE_NAMES[measure]}\n{direction}", fontsize=8)
    return x_min, x_max


def stacked_bars(
    table: dict[str, dict[str, int]],
    title: str,
    stem: Path,
    *,
    categories: list[str],
    binned: bool = False,
    x_label: str = "year",
    flagged: dict[str, str] | None = None,
) -> list[Path]:
    """`table[x][category] = count`: one bar per x, stacked in the order of `categories`.

    Magnitude bins ("1k–10k volumes") get one colour family per unit, darker for larger
    sizes, so the stack reads as a scale; other categories get a colour-blind-safe palette.
    """
    xs = sorted(table)
    colours = (
        _bin_colours(categories)
        if binned
        else {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
    )
    fig, ax = plt.subplots(figsize=(max(5.5, 0.55 * len(xs) + 3.5), 4.2))
    flagged = flagged or {}
    bottom = [0] * len(xs)
    for category in categories:
        values = [table[x].get(category, 0) for x in xs]
        bars = ax.bar(xs, values, bottom=bottom, label=category, color=colours[category],
                      edgecolor="white", lw=0.5)  # fmt: skip
        for bar, x in zip(bars, xs, strict=True):
            if x in flagged:  # a value the form's rules refuse: hatched, never a plain bar
                bar.set_hatch("xx")
                bar.set_edgecolor(RULE_COLOUR)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if flagged:
        rules = sorted(set(flagged.values()))
        title += f"\n✗ hatched: {x_label} fails the form's rule " + "; ".join(rules)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel(x_label)
    ax.set_ylabel("papers")
    ax.set_xticks(range(len(xs)))
    tilt = len(xs) > 8
    shown = [f"{x} ✗" if x in flagged else x for x in xs]
    ax.set_xticklabels(shown, rotation=45 if tilt else 0, ha="right" if tilt else "center")
    for label, x in zip(ax.get_xticklabels(), xs, strict=True):
        if x in flagged:
            label.set_color(RULE_COLOUR)
    ax.yaxis.get_major_locator().set_params(integer=True)
    handles, labels = ax.get_legend_handles_labels()
    # Legend top to bottom as the stack reads, top to bottom.
    ax.legend(handles[::-1], labels[::-1], fontsize=8, frameon=False,
              bbox_to_anchor=(1.01, 1), loc="upper left")  # fmt: skip
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return save(fig, stem)


_FAMILIES = ("Blues", "Oranges", "Greens", "Purples", "Greys", "Reds")


def _bin_colours(categories: list[str]) -> dict[str, object]:
    units: dict[str, list[str]] = {}
    for c in categories:
        units.setdefault(c.partition(" ")[2], []).append(c)
    out: dict[str, object] = {}
    for i, members in enumerate(units.values()):
        cmap = matplotlib.colormaps[_FAMILIES[i % len(_FAMILIES)]]
        for j, c in enumerate(members):
            out[c] = cmap(0.35 + 0.6 * (j + 1) / (len(members) + 1))
    return out


def heat_map(
    table: dict[str, dict[str, int]], title: str, stem: Path, *, row_label: str, col_label: str
) -> list[Path]:
    """`table[row][col] = count`, annotated with the counts."""
    rows = sorted(table)
    cols = sorted({c for r in table.values() for c in r})
    data = [[table[r].get(c, 0) for c in cols] for r in rows]
    fig, ax = plt.subplots(figsize=(max(4.5, 0.6 * len(cols) + 3), max(3.0, 0.4 * len(rows) + 1.8)))
    peak = max((v for row in data for v in row), default=0)
    # The scale starts at 0 papers, whatever the smallest count: a light cell means few.
    image = ax.imshow(data, cmap="Blues", aspect="auto", vmin=0, vmax=max(peak, 1))
    for i, row in enumerate(data):
        for j, value in enumerate(row):
            colour = "white" if peak and value > peak * 0.6 else "black"
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels([_short(c, 24) for c in cols], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([_short(r, 28) for r in rows], fontsize=8)
    ax.set_xlabel(col_label)
    ax.set_ylabel(row_label)
    ax.set_title(title, fontsize=10, loc="left")
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="papers")
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return save(fig, stem)
