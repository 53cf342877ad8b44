"""The correct-action's inputs, typed from the form, and their reading.

Each field kind gets its widget (an enum is a select, a number a checked text box, a
list of objects a small table). What the reviewer entered is turned into the text that
`corrections.parse_value` reads, so the app and `litextract correct` accept exactly the
same values; cells of tables and objects are read by `parse_typed`, field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from extractor.review.corrections import CorrectionError, item_model_of, parse_typed
from schemas.form import FieldSpec, Form
from schemas.values import display_value

EXTRA_ROWS = 2  # empty rows offered under a table's items


@dataclass(frozen=True)
class Widget:
    kind: str  # text | number | select | boolean | checkboxes | lines | object | table
    choices: tuple[str, ...] = ()
    text: str = ""  # prefill of single inputs
    selected: tuple[str, ...] = ()  # checkboxes
    columns: tuple[FieldSpec, ...] = ()  # object / table
    rows: tuple[tuple[str, ...], ...] = ()  # object (one row) / table cells, as text


def widget(spec: FieldSpec, value: Any) -> Widget:
    kind = spec.kind
    # The widget follows from what the kind is (schemas/kinds.py), so a new kind needs no
    # entry here: a kind without a closer match is typed as text and parsed by its kind.
    if kind.has_choices and not kind.is_list:
        return Widget("select", spec.choices, text=str(value or ""))
    if kind.python_type is bool:
        return Widget("boolean", text="" if value is None else ("true" if value else "false"))
    if kind.is_numeric:
        return Widget("number", text=display_value(value))
    if kind.is_set and kind.has_choices:
        return Widget("checkboxes", spec.choices, selected=tuple(map(str, value or ())))
    if kind.is_set:
        return Widget("lines", text="\n".join(map(str, value or ())))
    if kind.has_parts:
        items = [value] if kind.is_object else list(value or [])
        rows = [
            tuple(display_value((item or {}).get(c.name)) for c in spec.item_fields)
            for item in items
            if item is not None
        ]
        if kind.is_object:
            rows = rows or [tuple("" for _ in spec.item_fields)]
        else:
            rows += [tuple("" for _ in spec.item_fields)] * EXTRA_ROWS
        return Widget("object" if kind.is_object else "table",
                      columns=spec.item_fields, rows=tuple(rows))  # fmt: skip
    return Widget("text", text=display_value(value))


def entered_text(form: Form, spec: FieldSpec, data: Any) -> str:
    """The reviewer's entry for `spec` as `parse_value` text; CorrectionError if unreadable.

    `data` is the submitted form (`getlist` for repeated names). An empty entry is
    refused: "not reported" is an action of its own.
    """
    kind = spec.kind
    if kind.is_set and kind.has_choices:
        chosen = [c for c in data.getlist("choice") if c]
        if not chosen:
            raise CorrectionError(f"{spec.name}: tick at least one choice, or use Not reported")
        return json.dumps(chosen)
    if kind.is_set:
        lines = [line.strip() for line in str(data.get("value", "")).splitlines() if line.strip()]
        if not lines:
            raise CorrectionError(f"{spec.name}: enter one item per line, or use Not reported")
        return json.dumps(lines, ensure_ascii=False)
    if kind.has_parts:
        annotation = form.model.model_fields[spec.name].annotation
        item_model = item_model_of(annotation)
        rows = _rows(spec, data)
        items = []
        for n, cells in rows:
            item = {}
            for column, text in zip(spec.item_fields, cells, strict=True):
                sub_annotation = item_model.model_fields[column.name].annotation
                try:
                    item[column.name] = parse_typed(column, sub_annotation, text)[0]
                except CorrectionError as exc:
                    where = f"row {n}, " if kind.is_object_list else ""
                    raise CorrectionError(f"{spec.name}: {where}{exc}") from None
            items.append(item)
        if not items:
            raise CorrectionError(f"{spec.name}: fill in at least one row, or use Not reported")
        return json.dumps(items[0] if kind.is_object else items, ensure_ascii=False)
    text = str(data.get("value", "")).strip()
    if not text:
        raise CorrectionError(f"{spec.name}: enter a value, or use Not reported")
    return text


def _rows(spec: FieldSpec, data: Any) -> list[tuple[int, list[str]]]:
    """Non-empty rows of the table inputs `cell.<row>.<column>`, numbered from 1."""
    rows = []
    for n in range(200):
        names = [f"cell.{n}.{c.name}" for c in spec.item_fields]
        if not any(name in data for name in names):
            break
        cells = [str(data.get(name, "")).strip() for name in names]
        if any(cells):
            rows.append((n + 1, cells))
    return rows
