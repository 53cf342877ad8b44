"""`litextract synthesize`: effect sizes, meta-analyses, plots and descriptive tables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from extractor.cli import app
from extractor.cli.exits import fail
from schemas.errors import LitextractError
from schemas.registry import load_form

if TYPE_CHECKING:
    from eval.synthesis.outcome import Outcome

_console = Console(stderr=True, soft_wrap=True)

SYNTHESIZE_HELP = "\n\n".join(
    [
        "From records to the review's results. Writes into --out: effect sizes per target, "
        "meta-analyses (fixed effect, random effects by DerSimonian-Laird and Paule-Mandel, "
        "tau², I², Q, prediction interval), forest plots (PNG + SVG; studies whose numbers "
        "are still 'check' or whose quote was not found are drawn hollow orange), "
        "sensitivity analyses (verified values only; leave one out), descriptive counts, "
        "cross-tabulations and trends over years for any form, a self-contained "
        "synthesis.html, metafor/RevMan CSVs and synthesis.xlsx.",
        "INPUT is a review folder (current records, human corrections applied) or a "
        "records.jsonl / gold-style JSONL or CSV (then --form is needed).",
        "Effect sizes need a form that declares its effect roles (rct_outcomes does): "
        "binary outcomes give log OR, log RR and RD (0.5 added to every cell of a table "
        "with a zero cell; no events in both arms: left out), continuous ones give MD and "
        "Hedges' g; Peto's OR is offered for rare events. Tables with no events in both arms "
        "are left out of OR, RR and Peto's OR and kept for RD. Bad numbers are left out "
        "with one line each in summary.md and excluded.csv.",
        "Numbers the paper does not print as such are derived (--no-derive to turn off) "
        "from what it prints: SD from SE or a 95% CI (t-based for small groups), from the "
        "CI of a mean difference; mean and SD from median with IQR or range (Luo 2018, "
        "Wan 2014); events from a percentage. Each is marked 'derived' (formula, inputs, "
        "quotes) in the CSVs, XLSX, forest plots and HTML, and a sensitivity analysis "
        "leaves them out. Targets of one paper sharing an arm count once (arms combined, "
        "or --multi-arm split); reports naming one registration number, or one --studies "
        "id, count once.",
        "--groups names the meta-analyses: YAML (analyses: {name: {targets: [PMC1#5, ...], "
        "match: {outcome: 'regex'}, measure: OR}}) or CSV (analysis,target_id). Without it, "
        "targets with the same intervention, comparator and outcome labels are pooled.",
        "--gold runs the same synthesis on gold too and compares: per-target effect-size "
        "differences, direction flips, significance changes, pooled differences.",
        "[bold]Examples[/bold]",
        "litextract synthesize my-review --out synthesis/",
        "litextract synthesize run/records.jsonl --form rct_outcomes --groups groups.yaml "
        "--out synthesis/",
        "litextract synthesize yun_gpt4.jsonl --form rct_outcomes --gold yun_gold.jsonl "
        "--out yun-synthesis/   (see python -m eval.yun2024 to make both files)",
        "litextract synthesize fm-review --out trends/ --no-plots",
    ]
)


@app.command(help=SYNTHESIZE_HELP)
def synthesize(
    input_path: Annotated[
        Path, typer.Argument(metavar="REVIEW_DIR|RECORDS", help="Review folder or records file.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("synthesis"),
    groups: Annotated[
        Path | None, typer.Option("--groups", help="Grouping file: YAML or CSV.")
    ] = None,
    gold: Annotated[
        Path | None, typer.Option("--gold", help="Gold records (JSONL/CSV) to compare with.")
    ] = None,
    form: Annotated[
        str | None,
        typer.Option("--form", help="Built-in form name or FORM.yaml (records files)."),
    ] = None,
    method: Annotated[
        str, typer.Option("--method", help="Random-effects estimator for plots: DL or PM.")
    ] = "DL",
    tolerance: Annotated[
        float,
        typer.Option("--tolerance", help="Gold vs extracted: effect difference that counts."),
    ] = 0.1,
    plots: Annotated[bool, typer.Option("--plots/--no-plots", help="Draw the figures.")] = True,
    derive: Annotated[
        bool,
        typer.Option(
            "--derive/--no-derive",
            help="Derive missing SDs, means and counts from what the paper printed (SE, CI, "
            "median with IQR or range, percentages), each marked 'derived'.",
        ),
    ] = True,
    multi_arm: Annotated[
        str,
        typer.Option(
            "--multi-arm",
            help="Targets of one paper sharing an arm: combine the other arms (default) or "
            "split the shared arm's N between the comparisons.",
        ),
    ] = "combine",
    study_ids: Annotated[
        Path | None,
        typer.Option(
            "--studies", help="CSV paper_id,study_id: reports of one trial, counted once."
        ),
    ] = None,
    parsed: Annotated[
        Path | None,
        typer.Option(
            "--parsed",
            help="Folder of parsed papers (litextract parse): their registration numbers "
            "(NCT, ISRCTN, ACTRN...) group reports of one trial. A review reads its own.",
        ),
    ] = None,
) -> None:
    from eval.synthesis.grouping import load_groups, unknown_targets
    from eval.synthesis.run import Options
    from eval.synthesis.run import synthesize as run_synthesis
    from eval.synthesis.studies import read_studies
    from eval.synthesis.trials import MULTI_ARM_MODES, load_study_ids, parsed_registrations
    from extractor.review.reader import review_registrations

    method = method.upper()
    if method not in ("DL", "PM"):
        raise fail(f"--method {method}: use DL or PM")
    multi_arm = multi_arm.lower()
    if multi_arm not in MULTI_ARM_MODES:
        raise fail(f"--multi-arm {multi_arm}: use combine or split")
    try:
        loaded_form = load_form(form) if form else None
        if not input_path.exists():
            raise fail(f"{input_path}: not found")
        studyset = read_studies(input_path, loaded_form)
        analyses = load_groups(groups) if groups else None
        for missing in unknown_targets(studyset.studies, analyses or []):
            _console.print(
                f"warning: {escape(str(groups))}: {escape(missing)}: no record has this target",
                highlight=False,
            )
        given = load_study_ids(study_ids) if study_ids else {}
        registered = parsed_registrations(parsed) if parsed else {}
        if input_path.is_dir() and not parsed:
            registered = review_registrations(input_path)
        gold_set = read_studies(gold, studyset.form, role="gold") if gold else None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=_console,
            transient=True,
        ) as progress:
            task = progress.add_task("reading", total=1)

            def tick(step: str, done: int, total: int) -> None:
                progress.update(task, description=step, completed=done, total=max(total, 1))

            result = run_synthesis(
                studyset,
                out,
                analyses=analyses,
                gold=gold_set,
                options=Options(
                    method=method,
                    tolerance=tolerance,
                    plots=plots,
                    derive=derive,
                    multi_arm=multi_arm,
                    study_ids=given,
                    paper_registrations=registered,
                ),
                progress=tick,
            )
    except (LitextractError, ValueError) as exc:
        raise fail(str(exc)) from None
    _report(result)


def _report(result: Outcome) -> None:
    say = _console.print
    say(f"{result.studies} record(s) read")
    if result.effects is not None and result.meta is not None:
        counts = ", ".join(f"{m} {len(es)}" for m, es in result.effects.effects.items() if es)
        say(f"effect sizes: {counts or 'none'}")
        say(f"meta-analyses pooled: {len(result.meta.results)}")
        derived = {id(e.study) for r in result.meta.results for e in r.effects[r.primary]
                   if e.derived}  # fmt: skip
        if derived:
            say(f"studies using derived numbers: {len(derived)} (marked; see summary.md)")
        notes = [n for r in result.meta.results for n in r.grouping]
        how = "combined" if result.meta.multi_arm == "combine" else "split"
        if notes:
            say(f"counted once: {len(notes)} multi-arm or multi-report trial(s), arms {how}")
        left_out = [e.line() for e in result.effects.excluded]
        left_out += [p.line() for p in result.meta.problems]
        if left_out:
            say(f"[yellow]left out: {len(left_out)}[/] (all in summary.md and excluded.csv)")
            for line in left_out[:10]:
                say(f"  {escape(line)}", highlight=False)
            if len(left_out) > 10:
                say(f"  ... and {len(left_out) - 10} more")
    if result.comparison is not None:
        for s in result.comparison.summaries.values():
            if not s.gold_computable:
                continue
            mad = "" if s.mean_absolute_difference is None else f"{s.mean_absolute_difference:.4f}"
            say(
                f"gold vs extracted {s.measure}: {s.both}/{s.gold_computable} computable, "
                f"{s.over_tolerance} differ by > {s.tolerance:g}, {s.direction_flips} direction "
                f"flip(s), {s.significance_changes} significance change(s), mean |diff| {mad}"
            )
    for warning in result.warnings[:5]:
        say(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
    say(f"wrote {len(result.files)} files to {result.out} (open {result.out / 'synthesis.html'})")
