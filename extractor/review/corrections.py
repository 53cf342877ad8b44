"""Human corrections: a reviewer sets a field's value, and it sticks.

A correction is stored as a new record version (origin `human`) together with a
field-level correction row (who, when, why). The current record always shows
corrected fields over any model version, older or newer; see `records.py`.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock
from pydantic import BaseModel, TypeAdapter, ValidationError

from extractor.grounding import ground
from extractor.review.disagreements import DisagreementRow, RowError, read_disagreements
from extractor.review.records import CurrentRecord, RecordKey, current_records, overlay
from extractor.review.store import CorrectionRow, ReviewStore, VersionRow
from schemas.errors import LitextractError
from schemas.extracted import Evidence, Status
from schemas.form import FieldSpec, Form
from schemas.hashing import short_hash
from schemas.values import ValueProblem

# Values that mean "the paper does not report this".
_NOT_REPORTED = {"", "null", "none", "na", "n/a", "not reported", "not_reported", "nr"}


class CorrectionError(LitextractError):
    """A correction that cannot be applied (unknown paper or field, invalid value)."""


@dataclass(frozen=True)
class Correction:
    paper_id: str
    field: str
    value: Any
    status: str
    corrected_by: str
    why: str = ""
    target_id: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)


def parse_value(form: Form, field_name: str, text: str) -> tuple[Any, str]:
    """A field's value as typed on the command line -> (validated value, status).

    Lists: JSON (`["ct", "mri"]`) or `; `-separated, the way exports write them.
    Objects: JSON. Empty, `null`, `NA`, `not reported`: no value, status not_reported.
    `unclear:` before a value (or `unclear` alone) marks the status unclear.
    """
    try:
        spec = form.field(field_name)
    except KeyError:
        known = ", ".join(form.field_names)
        raise CorrectionError(f"form {form.name!r} has no field {field_name!r} ({known})") from None
    return parse_typed(spec, form.model.model_fields[field_name].annotation, text)


def parse_typed(spec: FieldSpec, annotation: Any, text: str) -> tuple[Any, str]:
    """`parse_value` for any field spec (also sub-fields of objects) and its annotation."""
    status = Status.reported
    raw = text.strip()
    if raw.lower() == "unclear" or raw.lower().startswith("unclear:"):
        status, raw = Status.unclear, raw[len("unclear:") :].strip()
    if raw.lower() in _NOT_REPORTED:
        return None, Status.not_reported if status is Status.reported else status
    return _validated(spec, annotation, _coerce(spec, raw), text), status


def _validated(spec: FieldSpec, annotation: Any, candidate: Any, shown: str) -> Any:
    try:
        value = TypeAdapter(annotation).validate_python(candidate)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        detail = f"{problem['msg']}" + (f" at {where}" if where else "")
        allowed = f" (allowed: {', '.join(spec.choices)})" if spec.choices else ""
        raise CorrectionError(
            f"{spec.name}: {shown!r} is not a valid {spec.kind.value}: {detail}{allowed}"
        ) from None
    return _plain(value)


def _coerce(spec: FieldSpec, raw: str) -> Any:
    """Text as typed -> a candidate value, read by the field kind (numbers as papers print them)."""
    kind = spec.kind
    if kind.has_parts or (kind.is_list and raw.startswith("[")):
        return _json(spec, raw)
    try:
        return kind.parse(spec, raw)
    except ValueProblem as exc:
        if kind.is_list:  # the problem names the one item that failed, not the whole text
            raise CorrectionError(f"{spec.name}: in {raw!r}, {exc}") from None
        allowed = f" (allowed: {', '.join(spec.choices)})" if spec.choices else ""
        raise CorrectionError(f"{spec.name}: {raw!r} is not {exc.expected}{allowed}") from None


def _json(spec: FieldSpec, raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CorrectionError(f"{spec.name}: value is not valid JSON ({exc.msg})") from None


def _plain(value: Any) -> Any:
    return TypeAdapter(Any).dump_python(value, mode="json")


def apply_corrections(
    store: ReviewStore, form: Form, corrections: list[Correction]
) -> list[VersionRow]:
    """Store corrections, one new human version per (paper, target), each in one transaction."""
    by_record: dict[tuple[str, str | None], list[Correction]] = {}
    for c in corrections:
        paper = store.paper(c.paper_id)
        if paper is None:
            raise CorrectionError(f"no paper {c.paper_id!r} in this review")
        if form.targeted and not c.target_id:
            raise CorrectionError(f"form {form.name!r} is targeted: give the target id")
        by_record.setdefault((c.paper_id, c.target_id), []).append(c)
    versions = []
    for (paper_id, target_id), group in by_record.items():
        current = current_records(store, paper_id=paper_id).get((paper_id, target_id))
        if form.targeted and current is None:
            raise CorrectionError(f"paper {paper_id!r} has no record for target {target_id!r}")
        base = current.model_version.record if current and current.model_version else {}
        corrected = dict(current.corrected) if current else {}
        for c in group:
            corrected[c.field] = CorrectionRow(
                0, paper_id, target_id, c.field, c.value, c.status, c.evidence,
                c.corrected_by, c.why, "", 0,
            )  # fmt: skip
        provenance = (
            dict(current.model_version.provenance) if current and current.model_version else {}
        )
        provenance["corrected_by"] = ", ".join(sorted({c.corrected_by for c in group}))
        versions.append(
            store.add_version(
                paper_id=paper_id,
                target_id=target_id,
                origin="human",
                record=overlay(base, corrected),
                provenance=provenance,
                target=current.target if current else None,
                corrections=[
                    {
                        "field": c.field,
                        "value": c.value,
                        "status": c.status,
                        "evidence": c.evidence,
                        "corrected_by": c.corrected_by,
                        "why": c.why,
                    }
                    for c in group
                ],
            )
        )
    return versions


class VersionConflict(CorrectionError):
    """The field changed after the reviewer opened it: the save is refused, nothing is lost."""

    def __init__(self, message: str, current: CurrentRecord | None) -> None:
        super().__init__(message)
        self.current = current


def field_revision(record: CurrentRecord | None, field_name: str) -> str:
    """A fingerprint of one field's current state, for optimistic concurrency.

    It changes when a model run changes the field or anyone saves a correction of it
    (even one that keeps the value), and not when other fields of the record change.
    """
    if record is None:
        return "none"
    correction = record.corrected.get(field_name)
    cell = record.record.get(field_name)
    payload = {
        "field": cell.model_dump(mode="json") if cell is not None else None,
        "correction": correction.id if correction else 0,
    }
    return short_hash(payload)


def reviewer_evidence(
    store: ReviewStore, paper_id: str, quote: str | None, page: int | None
) -> list[dict[str, Any]]:
    """A reviewer's supporting quote, located in the paper's parsed text when there is one."""
    if not quote or not quote.strip():
        return []
    paper = store.paper(paper_id)
    document = store.document(paper.sha256) if paper else None
    if document is not None:
        evidence = ground(document, quote.strip(), page)
    else:
        evidence = Evidence(quote=quote.strip(), page=page, claimed_page=page)
    return [evidence.model_dump(mode="json")]


def save_correction(
    store: ReviewStore, form: Form, correction: Correction, *, expected_revision: str | None = None
) -> VersionRow:
    """Store one reviewer's correction of one field: the path of `litextract correct` and
    of the reviewer app.

    With `expected_revision` (from `field_revision` when the reviewer opened the value),
    a field that changed meanwhile is refused with `VersionConflict`. The check and the
    write hold one lock file beside the store, so two savers never both pass the check.
    """
    lock = FileLock(store.path.with_name(".corrections.lock"), timeout=30)
    with lock:
        if expected_revision is not None:
            key = (correction.paper_id, correction.target_id)
            current = current_records(store, paper_id=correction.paper_id).get(key)
            if field_revision(current, correction.field) != expected_revision:
                by = current.corrected.get(correction.field) if current else None
                who = f" by {by.corrected_by} at {by.created_at[:19]}" if by else ""
                raise VersionConflict(
                    f"{correction.field} of {correction.paper_id} changed since you opened it"
                    f"{who}; nothing was saved: check the current value and save again",
                    current,
                )
        [version] = apply_corrections(store, form, [correction])
    return version


@dataclass
class ImportReport:
    applied: list[Correction] = field(default_factory=list)
    skipped_empty: int = 0
    kept: int = 0  # adjudications that accept the model's value: nothing to change
    errors: list[str] = field(default_factory=list)


# The audit's disagreements.csv: an adjudication may name a side instead of a value.
_TAKE_GOLD = {"gold", "accept gold", "use gold"}
_TAKE_PREDICTED = {"predicted", "model", "accept predicted", "accept model", "use predicted"}
_REMOVE = {"remove", "delete", "drop"}


@dataclass
class _FieldEdit:
    """All adjudications of one form field of one record, applied together.

    Item numbers in the audit refer to the predicted list as audited, so item edits
    address the original positions and removals happen last.
    """

    whole: tuple[Any, str] | None = None
    items: dict[int | None, dict[str, Any]] = field(default_factory=dict)  # None: the object
    replaced: dict[int, dict[str, Any]] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)
    appended: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def read_adjudications(
    path: Path,
    form: Form,
    *,
    by: str,
    records: dict[RecordKey, CurrentRecord] | None = None,
) -> ImportReport:
    """Corrections from the `adjudication` column of an audit's disagreements.csv.

    A row's `field` is a form field, or `parent.child` for a part of an object or of
    an item of a list of objects (`pred_item` says which, 1-based; `gold_item` alone
    marks a gold item the model missed). Whole-item rows
    of lists of objects take `remove` (a fabricated item), `gold` or a JSON object
    (a missed item). `records` (the current records) are needed for partial edits.
    """
    report = ImportReport()
    edits: dict[tuple[str, str | None, str], _FieldEdit] = {}
    for line_no, row in read_disagreements(path):
        if isinstance(row, RowError):
            report.errors.append(f"{path}:{line_no}: {row}")
            continue
        decision = row.adjudication
        if not decision:
            report.skipped_empty += 1
            continue
        top, _, sub = row.field.partition(".")
        try:
            spec = form.field(top)
        except KeyError:
            report.errors.append(f"{path}:{line_no}: form {form.name!r} has no field {top!r}")
            continue
        edit = edits.setdefault((row.paper_id, row.target_id, top), _FieldEdit())
        try:
            kept = _add_edit(form, spec, sub, row, decision, edit)
        except CorrectionError as exc:
            report.errors.append(f"{path}:{line_no}: {exc}")
            continue
        report.kept += kept
        if not kept:
            edit.lines.append(line_no)
    for (paper_id, target_id, top), edit in edits.items():
        if not edit.lines:
            continue
        current = (records or {}).get((paper_id, target_id))
        cell = current.record.get(top) if current else None
        base = cell.value if cell is not None else None
        lines = ", ".join(map(str, edit.lines))
        try:
            value, status = _final_value(form, form.field(top), base, edit)
        except CorrectionError as exc:
            report.errors.append(f"{path}:{lines}: {exc}")
            continue
        report.applied.append(
            Correction(
                paper_id=paper_id,
                target_id=target_id,
                field=top,
                value=value,
                status=status,
                corrected_by=by,
                why=f"adjudicated in {path.name} (line {lines})",
            )
        )
    return report


def _add_edit(
    form: Form, spec: FieldSpec, sub: str, row: DisagreementRow, decision: str, edit: _FieldEdit
) -> bool:
    """Record one row's adjudication in `edit`; True if it keeps the model's value."""
    lowered = decision.lower()
    if lowered in _TAKE_PREDICTED:
        return True
    side = row.gold if lowered in _TAKE_GOLD else decision
    pred_item, gold_item = row.pred_item, row.gold_item
    annotation = form.model.model_fields[spec.name].annotation
    if not sub and spec.kind.is_object_list and (pred_item or gold_item):
        if pred_item is not None:
            if lowered in _REMOVE:
                edit.removed.add(pred_item - 1)
            else:
                edit.replaced[pred_item - 1] = _item_value(spec, annotation, side)
        else:  # a gold item without a predicted match: the model missed it
            edit.appended.append(_item_value(spec, annotation, side))
        return False
    if not sub:
        edit.whole = _whole_value(spec, annotation, side)
        return False
    if not spec.kind.has_parts:
        raise CorrectionError(f"{spec.name} has no parts (got {spec.name}.{sub})")
    sub_spec = next((s for s in spec.item_fields if s.name == sub), None)
    if sub_spec is None:
        raise CorrectionError(f"{spec.name} has no part {sub!r}")
    item_model = item_model_of(annotation)
    value, _ = parse_typed(sub_spec, item_model.model_fields[sub].annotation, side)
    index = None
    if spec.kind.is_object_list:
        if pred_item is None:
            raise CorrectionError(f"{spec.name}.{sub}: no predicted item (pred_item) given")
        index = pred_item - 1
    edit.items.setdefault(index, {})[sub] = value
    return False


def _whole_value(spec: FieldSpec, annotation: Any, text: str) -> tuple[Any, str]:
    """A whole field; objects may come as the audit displays them (`k=v, k=v; k=v`)."""
    raw = text.strip()
    is_display = raw and raw[0] not in "{[" and raw.lower() not in _NOT_REPORTED
    if spec.kind.is_object and is_display:
        return _item_value(spec, annotation, raw), Status.reported
    if spec.kind.is_object_list and is_display:
        items = [_item_value(spec, annotation, part) for part in raw.split("; ")]
        return _validated(spec, annotation, items, text), Status.reported
    return parse_typed(spec, annotation, text)


def _item_value(spec: FieldSpec, annotation: Any, text: str) -> dict[str, Any]:
    """A whole item of a list of objects: JSON, or the audit's `key=value, ...` display."""
    item_model = item_model_of(annotation)
    raw = text.strip()
    if raw.startswith("{"):
        candidate = _json(spec, raw)
    else:
        candidate = {}
        for part in raw.split(", "):
            key, eq, value = part.partition("=")
            if not eq or key.strip() not in item_model.model_fields:
                raise CorrectionError(f"{spec.name}: cannot read item {text!r} (give JSON)")
            sub_spec = next(s for s in spec.item_fields if s.name == key.strip())
            annotation_ = item_model.model_fields[key.strip()].annotation
            candidate[key.strip()] = parse_typed(sub_spec, annotation_, value)[0]
    return _validated(spec, item_model, candidate, text)


def _final_value(form: Form, spec: FieldSpec, base: Any, edit: _FieldEdit) -> tuple[Any, str]:
    if edit.whole is not None and not (
        edit.items or edit.replaced or edit.removed or edit.appended
    ):
        return edit.whole
    value = edit.whole[0] if edit.whole is not None else base
    if spec.kind.is_object:
        merged = dict(value or {})
        merged.update(edit.items.get(None, {}))
        value = merged
    elif spec.kind.is_object_list:
        items = [dict(i) for i in (value or [])]
        for index in [*edit.items, *edit.replaced]:
            if index is None or not 0 <= index < len(items):
                raise CorrectionError(
                    f"{spec.name}: the record has no item #{(index or 0) + 1} any more; "
                    "re-run the audit on the current records"
                )
        for index, parts in edit.items.items():
            assert index is not None
            items[index].update(parts)
        for index, replacement in edit.replaced.items():
            items[index] = replacement
        items = [item for i, item in enumerate(items) if i not in edit.removed]
        value = items + edit.appended
    annotation = form.model.model_fields[spec.name].annotation
    final = _validated(spec, annotation, value, json.dumps(value, default=str))
    return final, Status.reported if final not in (None, []) else Status.not_reported


def item_model_of(annotation: Any) -> type[BaseModel]:
    """The pydantic class inside `Model | None` or `list[Model] | None`."""
    stack = [annotation]
    while stack:
        current = stack.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            return current
        stack.extend(typing.get_args(current))
    raise CorrectionError(f"no object type in {annotation!r}")
