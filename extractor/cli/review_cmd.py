"""Living reviews: `init`, `add`, `update`, `status`, `history`, `diff`, `correct`,
`import-corrections`, `export`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from extractor.cli import app
from extractor.cli.exits import ExitCode, fail, some_failed
from extractor.cli.options import (
    MaxFollowupsOpt,
    NCtxOpt,
    RatersOpt,
    SecondModelOpt,
    SinglePassOpt,
)
from extractor.key import DEFAULT_MAX_CONTEXT_TOKENS
from extractor.llm.factory import DEFAULT_MODEL
from extractor.review.config import ReviewConfig, ReviewPaths, load_config, save_config
from extractor.review.records import (
    FieldChange,
    current_records,
    diff_records,
    diff_states,
    run_cutoff,
    version_record,
)
from extractor.review.store import ReviewStore
from schemas.errors import InputError, LitextractError

console = Console()
err = Console(stderr=True)

ReviewDir = Annotated[Path, typer.Argument(help="The review folder (holds review.toml).")]


def _open(root: Path) -> tuple[ReviewConfig, ReviewStore]:
    config = load_config(root)
    return config, ReviewStore(ReviewPaths(root).store)


def _load_form(root: Path, config: ReviewConfig) -> Any:
    from schemas.registry import load_form

    try:
        return load_form(config.form_ref(root))
    except ValueError as exc:
        raise InputError(ReviewPaths(root).config, str(exc)) from None


@app.command()
def init(
    review_dir: ReviewDir,
    form: Annotated[str, typer.Option(help="Built-in form name or a FORM.yaml (copied in).")],
    backend: Annotated[str, typer.Option(help="openai | langchain | local")] = "openai",
    model: Annotated[
        str, typer.Option(help="Model name (or GGUF path for local).")
    ] = DEFAULT_MODEL,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible server URL (vLLM, Ollama, ...).")
    ] = None,
    targets: Annotated[
        Path | None, typer.Option(help="targets.jsonl for targeted forms (copied in).")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Papers extracted at once.")] = 2,
    max_context_tokens: Annotated[
        int, typer.Option(help="Paper text per request.")
    ] = DEFAULT_MAX_CONTEXT_TOKENS,
    n_ctx: NCtxOpt = None,
    single_pass: SinglePassOpt = False,
    max_followups: MaxFollowupsOpt = 2,
    raters: RatersOpt = 1,
    second_model: SecondModelOpt = None,
) -> None:
    """Create a review: REVIEW_DIR/review.toml, the store and a papers/ folder.

    API keys are never written to the review; set OPENAI_API_KEY (or your
    provider's variable) in the environment.

    Examples:

      litextract init my-review --form fm_imaging --model gpt-4o-mini

      litextract init rct-review --form rct_outcomes --targets targets.jsonl

      litextract init local-review --form my_form.yaml --model llama3.1 \\
        --base-url http://localhost:11434/v1
    """
    from schemas.registry import load_form

    paths = ReviewPaths(review_dir)
    if paths.config.exists():
        raise fail(f"{paths.config}: already a review")
    try:
        form_value = form
        if form.endswith((".yaml", ".yml")):
            source = Path(form)
            loaded = load_form(source)
            form_value = f"forms/{source.name}"
            (review_dir / "forms").mkdir(parents=True, exist_ok=True)
            if source.resolve() != (review_dir / form_value).resolve():
                shutil.copyfile(source, review_dir / form_value)
        else:
            loaded = load_form(form)
        targets_value = None
        if targets is not None:
            if not targets.is_file():
                raise InputError(targets, "file not found")
            targets_value = "targets.jsonl"
            review_dir.mkdir(parents=True, exist_ok=True)
            if targets.resolve() != (review_dir / targets_value).resolve():
                shutil.copyfile(targets, review_dir / targets_value)
        elif loaded.targeted:
            targets_value = "targets.jsonl"
            err.print(
                f"[yellow]note:[/] form {loaded.name} is targeted: put the targets in "
                f"{review_dir / targets_value} before `update`"
            )
    except (LitextractError, ValueError) as exc:
        raise fail(str(exc)) from None
    paths.papers.mkdir(parents=True, exist_ok=True)
    config = ReviewConfig(
        form=form_value,
        backend=backend,
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        max_context_tokens=max_context_tokens,
        n_ctx=n_ctx,
        targets=targets_value,
        single_pass=single_pass,
        max_followups=max_followups,
        raters=2 if second_model else raters,
        second_model=second_model,
    )
    save_config(review_dir, config)
    ReviewStore(paths.store).close()
    console.print(f"created review [bold]{review_dir}[/] (form {loaded.name} {loaded.version})")
    console.print(f"add papers: litextract add {review_dir} PAPER.pdf | library.bib | library.ris")


@app.command()
def add(
    review_dir: ReviewDir,
    inputs: Annotated[list[Path], typer.Argument(help="PDFs, .bib or .ris libraries.")],
) -> None:
    """Add papers: PDFs, or the PDFs linked from a .bib / .ris library.

    PDFs are copied into REVIEW_DIR/papers/ (dropping files there works too).
    Library entries keep their DOI and title, so duplicates are caught at once.
    Nothing is extracted until `litextract update`.

    Examples:

      litextract add my-review new/*.pdf

      litextract add my-review zotero-export.bib
    """
    from extractor.review.library import add_inputs

    try:
        _, store = _open(review_dir)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    with store:
        report = add_inputs(store, review_dir, inputs)
    for paper_id in report.added:
        console.print(f"added {paper_id}")
    for paper_id, original, reason in report.duplicates:
        console.print(f"[yellow]duplicate[/] {paper_id}: {reason} as {original} (not extracted)")
    for paper_id in report.already_present:
        console.print(f"already in the review: {paper_id}")
    for message in report.errors:
        err.print(f"[red]error:[/] {message}", highlight=False)
    console.print(
        f"{len(report.added)} added, {len(report.duplicates)} duplicates, "
        f"{len(report.already_present)} already present, {len(report.errors)} errors; "
        f"next: litextract update {review_dir}"
    )
    if report.errors and not (report.added or report.duplicates or report.already_present):
        raise some_failed()


@app.command()
def update(
    review_dir: ReviewDir,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Parse and extract only what is new or changed, then print a summary.

    New PDFs, changed PDFs and records made with another form, prompt, backend
    or model are (re-)extracted; everything else is reused. Unchanged groups of
    a changed form come from the response cache, so they cost nothing. A killed
    update resumes where it stopped. Exit code 1 if any paper failed.

    Examples:

      litextract update my-review

      OPENAI_API_KEY=... litextract update my-review --no-progress
    """
    from extractor.review.update import run_update

    try:
        summary = run_update(review_dir, console=err, progress=progress)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        err.print("interrupted: finished records are saved; run `update` again to resume")
        raise typer.Exit(ExitCode.interrupted) from None
    table = Table(title=f"{review_dir.name}: update run {summary.run_id}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    cost = _cost(summary.cost_usd, summary.requests)
    dup = ", ".join(f"{p} = {o} ({r})" for p, o, r in summary.duplicates[:3])
    dup += " ..." if len(summary.duplicates) > 3 else ""
    rows = [
        ("new papers", f"{len(summary.new)}"),
        ("changed papers", f"{len(summary.changed)}"),
        ("removed papers", f"{len(summary.missing)}"),
        ("skipped duplicates", f"{len(summary.duplicates)} {dup}".strip()),
        ("parsed", f"{summary.parsed}"),
        ("records new / stale", f"{summary.new_records} / {summary.stale}"),
        ("up to date", f"{summary.up_to_date}"),
        ("extracted", f"{summary.extracted}"),
        ("errors", f"{len(summary.errors)}"),
        ("requests", f"{summary.requests}"),
        ("tokens (prompt + completion)", f"{summary.prompt_tokens} + {summary.completion_tokens}"),
        ("cost", cost),
        ("time", f"{summary.seconds:.1f} s"),
    ]
    if summary.no_targets:
        rows.append(("papers without targets", ", ".join(summary.no_targets)))
    if summary.interrupted_runs:
        rows.append(("resumed after", ", ".join(f"run {r}" for r in summary.interrupted_runs)))
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)
    for message in summary.errors[:10]:
        err.print(f"[red]error:[/] {message}", highlight=False)
    if len(summary.errors) > 10:
        err.print(f"... {len(summary.errors) - 10} more: litextract status {review_dir}")
    if summary.errors:
        raise some_failed()


@app.command()
def status(review_dir: ReviewDir) -> None:
    """Papers by state, records up to date / stale, values to check, corrections, runs.

    Example:

      litextract status my-review
    """
    from extractor.review.status import review_status

    try:
        config, store = _open(review_dir)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    with store:
        st = review_status(review_dir, config, store)
    console.print(f"[bold]{review_dir}[/]: form {config.form}, {config.backend}/{config.model}")
    states = ", ".join(f"{n} {s}" for s, n in sorted(st.paper_states.items()))
    console.print(f"papers: {len(st.papers)} ({states})")
    if st.staleness_error:
        console.print(f"staleness unknown: {st.staleness_error}", highlight=False)
    else:
        console.print(
            f"records: {st.fresh} up to date, {st.stale} stale, {st.not_extracted} not yet "
            "extracted"
        )
    console.print(
        f"values: {st.values_to_check:,} to check in {st.papers_to_check} paper(s) "
        f"({st.triage['check']:,} check, {st.triage['missing']:,} missing; "
        f"{st.triage['verified']:,} verified of {st.values:,})"
    )
    if st.triage["verified"]:
        console.print(st.spot.line("spot-check them in `litextract serve`"), highlight=False)
    console.print(f"corrections: {st.corrections}")
    table = Table(title="runs")
    for column in ("run", "started", "status", "papers", "requests", "tokens", "cost", "errors"):
        table.add_column(column, no_wrap=column == "started")  # a time cut short is no time
    for run in st.runs:
        table.add_row(
            str(run.id),
            run.started_at[:16].replace("T", " "),
            run.status,
            str(run.papers_processed),
            str(run.requests),
            str(run.prompt_tokens + run.completion_tokens),
            _cost(run.cost_usd, run.requests),
            str(run.errors),
        )
    console.print(table)
    for paper in st.problem_papers:
        detail = paper.error or (
            f"{paper.duplicate_reason} as {paper.duplicate_of}" if paper.duplicate_of else ""
        )
        console.print(f"  {paper.status}: {paper.paper_id} {detail}", highlight=False)


@app.command()
def history(
    review_dir: ReviewDir,
    paper: Annotated[str, typer.Argument(help="Paper id (the PDF's file name without .pdf).")],
    target: Annotated[str | None, typer.Option(help="Only this target id.")] = None,
) -> None:
    """Every version of a paper's record with its provenance and what it changed.

    Example:

      litextract history my-review smith2021
    """
    try:
        _, store = _open(review_dir)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    with store:
        versions = store.versions(paper, target)
        corrections = {c.version_id: [] for c in store.corrections(paper)}
        for c in store.corrections(paper):
            corrections[c.version_id].append(c)
    if not versions:
        raise fail(f"no record versions for paper {paper!r} in {review_dir}")
    table = Table(title=f"history of {paper}")
    for column in ("target", "version", "origin", "run", "when", "model / by", "changes"):
        table.add_column(column, overflow="fold")
    previous: dict[str | None, dict[str, Any]] = {}
    for v in versions:
        first = v.target_id not in previous
        changes = diff_records(paper, v.target_id, previous.get(v.target_id), v.record)
        previous[v.target_id] = v.record
        if v.origin == "human":
            who = "; ".join(
                f"{c.corrected_by}: {c.field}" + (f" ({c.why})" if c.why else "")
                for c in corrections.get(v.id, [])
            )
        else:
            who = f"{v.key.backend}/{v.key.model}" if v.key else ""
            if v.key:
                who += f" form {v.key.form_hash[:8]} prompt {v.key.prompt_hash[:8]}"
        table.add_row(
            v.target_id or "-",
            str(v.version),
            v.origin,
            str(v.run_id or "-"),
            v.created_at[:19],
            who,
            "first version" if first else _changes_text(changes),
        )
    console.print(table)


@app.command()
def diff(
    review_dir: ReviewDir,
    paper: Annotated[
        str | None, typer.Argument(help="Compare two versions of this paper instead of runs.")
    ] = None,
    from_: Annotated[
        int | None, typer.Option("--from", help="Run id (or version number with PAPER).")
    ] = None,
    to: Annotated[int | None, typer.Option(help="Run id (or version number with PAPER).")] = None,
    target: Annotated[
        str | None, typer.Option(help="Target id (targeted forms, with PAPER).")
    ] = None,
) -> None:
    """Field-level changes between two runs (default: the last two), or two versions.

    Examples:

      litextract diff my-review                       # last run vs the one before

      litextract diff my-review --from 1 --to 3

      litextract diff my-review smith2021 --from 1 --to 2
    """
    try:
        _, store = _open(review_dir)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    with store:
        if paper is not None:
            versions = store.versions(paper, target)
            if not versions:
                raise fail(f"no record versions for paper {paper!r}")
            if len({v.target_id for v in versions}) > 1:
                raise fail(f"paper {paper!r} has several targets: give --target")
            newest = versions[-1].version
            a, b = from_ or max(newest - 1, 1), to or newest
            try:
                va, vb = version_record(versions, a), version_record(versions, b)
            except KeyError as exc:
                raise fail(f"paper {paper!r} has no version {exc.args[0]}") from None
            changes = diff_records(paper, vb.target_id, va.record, vb.record)
            title = f"{paper}: version {a} -> {b}"
        else:
            runs = store.runs()
            if not runs:
                raise fail("no runs yet")
            ids = [r.id for r in runs]
            b = to or ids[-1]
            a = from_ or next((i for i in reversed(ids) if i < b), 0)
            by_id = {r.id: r for r in runs}
            if b not in by_id or (a and a not in by_id):
                raise fail(f"unknown run (runs: {', '.join(map(str, ids))})")
            before = current_records(store, as_of=run_cutoff(store, by_id[a])) if a else {}
            after = current_records(store, as_of=run_cutoff(store, by_id[b]))
            changes = diff_states(before, after)
            title = f"run {a or '(empty)'} -> run {b}"
    table = Table(title=f"{title}: {len(changes)} changed fields")
    for column in ("paper", "target", "field", "before", "after"):
        table.add_column(column, overflow="fold")
    for c in changes:
        table.add_row(c.paper_id, c.target_id or "-", c.field, _cell(c.before), _cell(c.after))
    console.print(table)


@app.command()
def correct(
    review_dir: ReviewDir,
    paper: Annotated[str, typer.Argument(help="Paper id.")],
    field: Annotated[str, typer.Argument(help="Form field name.")],
    value: Annotated[str, typer.Argument(help="New value (see below); '' = not reported.")],
    by: Annotated[str, typer.Option("--by", help="Who makes the correction.")],
    why: Annotated[str, typer.Option("--why", help="Why (kept with the correction).")] = "",
    target: Annotated[str | None, typer.Option(help="Target id (targeted forms).")] = None,
    quote: Annotated[str | None, typer.Option(help="Supporting quote from the paper.")] = None,
    page: Annotated[int | None, typer.Option(help="Page of the quote.")] = None,
) -> None:
    """Set a field's value by hand. It is kept as a new version and no model run
    ever overwrites it.

    VALUE is parsed per the field's type and checked against the form: numbers,
    true/false, an allowed choice; lists as `a; b` or JSON; objects as JSON;
    `NA` or '' for not reported; `unclear: VALUE` marks it unclear. Put `--`
    before a negative number.

    Examples:

      litextract correct my-review smith2021 parameters_millions 86 --by ana --why "Table 2"

      litextract correct my-review smith2021 modalities "ct; mri" --by ana

      litextract correct rct PMC123 intervention_events 12 --target 55 --by ana
    """
    from extractor.review.corrections import (
        Correction,
        CorrectionError,
        parse_value,
        reviewer_evidence,
        save_correction,
    )

    try:
        config, store = _open(review_dir)
        form = _load_form(review_dir, config)
        parsed, status_ = parse_value(form, field, value)
        with store:
            evidence = reviewer_evidence(store, paper, quote, page)
            version = save_correction(
                store, form, Correction(paper, field, parsed, status_, by, why, target, evidence)
            )
    except (LitextractError, CorrectionError) as exc:
        raise fail(str(exc)) from None
    console.print(
        f"{paper}{'/' + target if target else ''}: {field} = {json.dumps(parsed)} ({status_}), "
        f"version {version.version}, by {by}"
    )


@app.command("import-corrections")
def import_corrections(
    review_dir: ReviewDir,
    csv_path: Annotated[Path, typer.Argument(help="disagreements.csv written by `audit`.")],
    by: Annotated[str, typer.Option("--by", help="Who adjudicated.")],
) -> None:
    """Apply the `adjudication` column of an audit's disagreements.csv as corrections.

    Each non-empty adjudication is a value (parsed as in `correct`), or `gold` /
    `predicted` to accept that side; for items of a list of objects also `remove`
    (a fabricated item) or a JSON object. Rows with an empty adjudication are
    skipped; invalid rows are reported with their line number, the others apply.

    Example:

      litextract import-corrections my-review audit/disagreements.csv --by "ana, bo"
    """
    from extractor.review.corrections import apply_corrections, read_adjudications

    try:
        config, store = _open(review_dir)
        form = _load_form(review_dir, config)
        with store:
            records = current_records(store)
            report = read_adjudications(csv_path, form, by=by, records=records)
            versions = apply_corrections(store, form, report.applied)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    for message in report.errors:
        err.print(f"[red]error:[/] {message}", highlight=False)
    console.print(
        f"{len(report.applied)} corrections applied ({len(versions)} new versions), "
        f"{report.kept} kept the model's value, {report.skipped_empty} rows without "
        f"adjudication skipped, {len(report.errors)} errors"
    )
    if report.errors:
        raise some_failed()


@app.command()
def export(
    review_dir: ReviewDir,
    format: Annotated[
        str, typer.Option("--format", "-f", help="csv | jsonl | xlsx | parquet")
    ] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Default: REVIEW_DIR/exports/records.FORMAT"),
    ] = None,
) -> None:
    """Write the current records (corrections applied): one row per paper (per target).

    Every field has companion columns FIELD__status, FIELD__triage (verified / check /
    missing), FIELD__reasons (finding codes), FIELD__quote and FIELD__page;
    `model`, `version`, `corrected` and `corrected_by` say where each row comes from.
    CSV is UTF-8 with BOM and safe to open in Excel / LibreOffice.

    Examples:

      litextract export my-review --format xlsx

      litextract export my-review -f parquet -o data/extraction.parquet
    """
    from extractor.review.export import FORMATS, export_review

    if format not in FORMATS:
        raise fail(f"unknown format {format!r} (use {', '.join(FORMATS)})")
    out = output or ReviewPaths(review_dir).exports / f"records.{format}"
    try:
        config, store = _open(review_dir)
        form = _load_form(review_dir, config)
        with store:
            rows = export_review(store, form, format, out)
    except LitextractError as exc:
        raise fail(str(exc)) from None
    console.print(f"wrote {rows} rows to {out}")


def _cell(essence: dict[str, Any] | None) -> str:
    if essence is None:
        return "(none)"
    value = json.dumps(essence["value"], ensure_ascii=False)
    return value if essence["status"] == "reported" else f"{value} [{essence['status']}]"


def _changes_text(changes: list[FieldChange]) -> str:
    if not changes:
        return "no field changed"
    return "; ".join(f"{c.field}: {_cell(c.before)} -> {_cell(c.after)}" for c in changes)


def _cost(cost_usd: float, requests: int) -> str:
    # The store sums known prices only: requests with a zero total had no known price.
    if requests and not cost_usd:
        return "unknown (no price known for this model)"
    return f"${cost_usd:.4f}"
