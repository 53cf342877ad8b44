"""`litextract export`: the current records as a table a review team can use.

One row per paper (per target for targeted forms). Each form field gives a value
column plus `<field>__status`, `<field>__triage` (verified / check / missing: whether a
human must look), `<field>__reasons` (the checks' finding codes, `a; b`),
`<field>__quote` and `<field>__page`; a value a reviewer corrected reads `verified`
for `human_corrected`, and records from before the checks leave the triage empty
rather than guess one. Lists read as `a; b`, objects as compact JSON; provenance
columns say which model made the row, which version it is and which fields a human
corrected. CSV is UTF-8 with a BOM and guarded against formula injection: a text cell
that starts with = + - @ (other than a plain number such as -1.5) is written with a
leading apostrophe, which spreadsheet programs hide and litextract's CSV readers take off
again (`extractor.spreadsheet`). XLSX, JSONL and Parquet keep every value exactly as it
is (an XLSX text cell is never evaluated). Every file is written atomically.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from extractor.fileio import atomic_path, atomic_write_bytes
from extractor.review.records import CurrentRecord, exported_records
from extractor.review.store import ReviewStore
from extractor.spreadsheet import append_row, guard_formula
from schemas.extracted import Extracted
from schemas.form import Form
from schemas.printed import derive_record, record_kind

FORMATS = ("csv", "jsonl", "xlsx", "parquet")
_TARGET_SKIP = {"paper_id", "target_id"}


def export_review(
    store: ReviewStore, form: Form, fmt: str, out: Path, *, derive: bool = False
) -> int:
    """Write the current records of the review's active papers to `out`; returns the row count.

    `derive` (forms declaring effect roles): a pooled input the paper does not print as
    such (an SD given as an SE, a CI, an IQR or a range; events as a percentage; a mean
    as a median) is filled in from the printed form, and `<field>__derived` says how
    (method and formula, schemas/derive.py). Without it nothing is derived or added.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")
    records = exported_records(store)
    if derive:
        records = [with_derived(form, rec) for rec in records]
    writer: dict[str, Callable[[Form, list[CurrentRecord], Path], None]] = {
        "csv": _write_csv,
        "jsonl": _write_jsonl,
        "xlsx": _write_xlsx,
        "parquet": _write_parquet,
    }
    writer[fmt](form, records, out)
    return len(records)


def record_object(rec: CurrentRecord) -> dict[str, Any]:
    """One current record as a JSON object: a records.jsonl line (paper_id, target_id,
    target, record, provenance) plus its version, model and corrections."""
    return {
        "paper_id": rec.paper_id,
        "target_id": rec.target_id,
        "target": rec.target,
        "record": {name: cell.model_dump(mode="json") for name, cell in rec.record.items()},
        "version": rec.version,
        "model": rec.model,
        "corrected": {
            name: {"by": c.corrected_by, "why": c.why, "at": c.created_at}
            for name, c in rec.corrected.items()
        },
        "provenance": rec.model_version.provenance if rec.model_version else None,
    }


DERIVED = "__derived"
_CELL_PARTS = ("status", "triage", "reasons", "quote", "page")


def with_derived(form: Form, rec: CurrentRecord) -> CurrentRecord:
    """The record with derived pooled inputs filled in, each cell marked `derived`."""
    fields = getattr(form.model, "effect_roles", None)
    if not isinstance(fields, dict):
        return rec
    values = {name: cell.value for name, cell in rec.record.items()}
    kind = record_kind(values, fields)
    if kind is None:
        return rec
    quotes = {name: " … ".join(e.quote for e in cell.evidence) for name, cell in rec.record.items()}
    found = derive_record(values, fields, kind, {k: v for k, v in quotes.items() if v})
    if not found:
        return rec
    record = dict(rec.record)
    derived = dict(rec.derived)
    for role, d in found.items():
        name = fields.get(role)
        if name:
            # The value as derived; its own status, quote and triage stay those of the
            # empty cell, and `derived` names the method, so no one reads it as printed.
            empty = record.get(name) or Extracted[Any]()
            record[name] = empty.model_copy(update={"value": d.value})
            derived[name] = d.describe()
    return replace(rec, record=record, derived=derived)


def columns(form: Form, records: list[CurrentRecord]) -> list[tuple[str, str]]:
    """(column name, kind) in output order; kind drives typing in xlsx/parquet."""
    cols: list[tuple[str, str]] = [("paper_id", "string")]
    if form.targeted:
        cols.append(("target_id", "string"))
        target_keys: list[str] = []
        for rec in records:
            for k in rec.target or {}:
                if k not in _TARGET_SKIP and k not in target_keys:
                    target_keys.append(k)
        cols += [(k, "string") for k in target_keys]
    for spec in form.fields:
        cols += [
            (spec.name, spec.kind.export_type),
            (f"{spec.name}__status", "string"),
            (f"{spec.name}__triage", "string"),
            (f"{spec.name}__reasons", "string"),
            (f"{spec.name}__quote", "string"),
            (f"{spec.name}__page", "string"),
        ]
        if any(spec.name in rec.derived for rec in records):
            cols.append((f"{spec.name}{DERIVED}", "string"))
    cols += [
        ("model", "string"),
        ("version", "integer"),
        ("corrected", "string"),
        ("corrected_by", "string"),
        ("extracted_at", "string"),
    ]
    return cols


def flat_row(form: Form, rec: CurrentRecord) -> dict[str, Any]:
    row: dict[str, Any] = {"paper_id": rec.paper_id}
    if form.targeted:
        row["target_id"] = rec.target_id
        for k, v in (rec.target or {}).items():
            if k not in _TARGET_SKIP:
                row[k] = v
    for spec in form.fields:
        cell = rec.record.get(spec.name)
        if cell is None:
            row.update(dict.fromkeys((spec.name, *(f"{spec.name}__{c}" for c in _CELL_PARTS))))
            continue
        row[spec.name] = spec.kind.export(cell.value)
        row[f"{spec.name}__status"] = cell.status.value
        row[f"{spec.name}__triage"] = cell.triage.value
        row[f"{spec.name}__reasons"] = "; ".join(cell.reasons) or None
        row[f"{spec.name}__quote"] = " | ".join(e.quote for e in cell.evidence) or None
        pages = [str(e.page) for e in cell.evidence if e.page is not None]
        row[f"{spec.name}__page"] = "; ".join(dict.fromkeys(pages)) or None
        if spec.name in rec.derived:
            row[f"{spec.name}{DERIVED}"] = rec.derived[spec.name]
    model = rec.model_version
    row["model"] = rec.model
    row["version"] = rec.version
    row["corrected"] = "; ".join(sorted(rec.corrected)) or None
    row["corrected_by"] = (
        "; ".join(sorted({c.corrected_by for c in rec.corrected.values()})) or None
    )
    row["extracted_at"] = model.created_at if model else None
    return row


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(guard_formula(value))


def _write_csv(form: Form, records: list[CurrentRecord], out: Path) -> None:
    names = [name for name, _ in columns(form, records)]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(names)
    for rec in records:
        row = flat_row(form, rec)
        writer.writerow([_csv_text(row.get(name)) for name in names])
    # The BOM tells Excel the file is UTF-8 (otherwise accents and symbols are garbled).
    atomic_write_bytes(out, buffer.getvalue().encode("utf-8-sig"))


def _write_jsonl(form: Form, records: list[CurrentRecord], out: Path) -> None:
    lines = [json.dumps(record_object(rec), ensure_ascii=False) for rec in records]
    atomic_write_bytes(out, ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"))


def _write_xlsx(form: Form, records: list[CurrentRecord], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    cols = columns(form, records)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = form.name[:31]
    sheet.append([name for name, _ in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for rec in records:
        row = flat_row(form, rec)
        append_row(sheet, [row.get(name) for name, _ in cols])
    with atomic_path(out) as tmp:
        workbook.save(tmp)


def _write_parquet(form: Form, records: list[CurrentRecord], out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
    cols = columns(form, records)
    schema = pa.schema([(name, types.get(kind, pa.string())) for name, kind in cols])
    rows = []
    for rec in records:
        row = flat_row(form, rec)
        rows.append(
            {
                name: (
                    str(row[name])
                    if kind == "string" and row.get(name) is not None
                    else row.get(name)
                )
                for name, kind in cols
            }
        )
    table = pa.Table.from_pylist(rows, schema=schema)
    with atomic_path(out) as tmp:
        pq.write_table(table, tmp)
