"""The field-kind table: a kind added in one place works in every stage."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

import schemas.kinds as kinds
from eval.audit import run_audit
from eval.settings import AuditSettings
from extractor.review.corrections import parse_value
from extractor.review.export import columns
from schemas.compare import CellClass, RecordComparer
from schemas.custom import load_yaml_form
from schemas.form import FieldKind, FieldSpec, Form, form_field
from schemas.kinds import Kind, coerce_value, kind_named, register_kind
from schemas.strict import check_strict_schema, draft_schema, value_schema
from schemas.values import ValueProblem


def _parse_date(spec: FieldSpec, value: Any, numeric_text: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueProblem(f"expected a date (YYYY-MM-DD), got {value!r}", "a date") from None


@pytest.fixture
def date_kind(monkeypatch: pytest.MonkeyPatch) -> Kind:
    """The whole of adding a `date` kind: one entry (the table is restored afterwards)."""
    monkeypatch.setattr(kinds, "_REGISTRY", dict(kinds._REGISTRY))
    return register_kind(
        Kind("date", python_type=dt.date, json_format="date", parse=_parse_date, export=str)
    )


def _visit_form() -> Form:
    class Visit(BaseModel):
        model_config = ConfigDict(extra="forbid")
        visit: dt.date | None = form_field("date of the first visit")
        n: int | None = form_field("participants")

    return Form.from_model(Visit, name="visit", version="1")


def test_a_new_kind_works_end_to_end(date_kind: Kind, tmp_path: Path) -> None:
    form = _visit_form()
    spec = form.field("visit")
    assert spec.kind is date_kind and kind_named("date") is date_kind

    # schema: the model's strict draft schema
    assert value_schema(spec) == {
        "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
        "description": "date of the first visit",
    }
    assert check_strict_schema(draft_schema(form)) == []

    # YAML forms know the type by its name
    yaml_form = tmp_path / "f.yaml"
    yaml_form.write_text("name: f\nfields:\n  - {name: visit, type: date}\n", encoding="utf-8")
    assert load_yaml_form(yaml_form).field("visit").kind is date_kind

    # parse: gold loading and corrections
    assert coerce_value(spec, " 2020-03-01 ") == dt.date(2020, 3, 1)
    with pytest.raises(ValueProblem, match="expected a date"):
        coerce_value(spec, "March")
    assert parse_value(form, "visit", "2020-03-01") == ("2020-03-01", "reported")

    # compare + display: the audit, from files to disagreements
    gold, pred = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold.write_text(
        '{"paper_id": "a", "record": {"visit": "2020-03-01"}}\n'
        '{"paper_id": "b", "record": {"visit": "2021-01-05"}}\n',
        encoding="utf-8",
    )
    pred.write_text(
        '{"paper_id": "a", "record": {"visit": "2020-03-01"}}\n'
        '{"paper_id": "b", "record": {"visit": "2021-01-06"}}\n',
        encoding="utf-8",
    )
    result = run_audit(gold, pred, form, AuditSettings(), only_fields=["visit"])
    visit = next(f for f in result.fields if f.field == "visit")
    assert (visit.kind, visit.counts["correct"], visit.counts["incorrect"]) == ("date", 1, 1)
    (row,) = result.disagreements
    assert (row.gold, row.predicted) == ("2021-01-05", "2021-01-06")
    cells = RecordComparer([spec]).compare("a", None, {"visit": dt.date(2020, 3, 1)}, {})
    assert cells[0].cls is CellClass.missed

    # export: the column and its cell
    assert ("visit", "string") in columns(form, [])
    assert date_kind.export("2020-03-01") == "2020-03-01"
    assert date_kind.display(dt.date(2020, 3, 1)) == "2020-03-01"


def test_kind_names_are_unique() -> None:
    with pytest.raises(ValueError, match="exists already"):
        register_kind(Kind("integer"))


@pytest.mark.parametrize(
    ("kind", "numeric", "is_list", "categorical", "has_parts"),
    [
        (FieldKind.string, False, False, False, False),
        (FieldKind.integer, True, False, False, False),
        (FieldKind.number, True, False, False, False),
        (FieldKind.boolean, False, False, True, False),
        (FieldKind.enum, False, False, True, False),
        (FieldKind.list_string, False, True, False, False),
        (FieldKind.list_enum, False, True, False, False),
        (FieldKind.object, False, False, False, True),
        (FieldKind.list_object, False, True, False, True),
    ],
)
def test_kind_properties(
    kind: Kind, numeric: bool, is_list: bool, categorical: bool, has_parts: bool
) -> None:
    assert (kind.is_numeric, kind.is_list, kind.is_categorical, kind.has_parts) == (
        numeric,
        is_list,
        categorical,
        has_parts,
    )


def test_a_kind_is_compared_with_kinds_only() -> None:
    # Its name is its text (JSON, YAML, exports), but a comparison with a bare string is a
    # second vocabulary beside the table: an error, never a silent False.
    assert FieldKind.integer == FieldKind.integer and FieldKind.integer != FieldKind.number
    assert FieldKind.integer.value == "integer" and json.dumps(FieldKind.integer) == '"integer"'
    assert {FieldKind.number: 1}[kind_named("number")] == 1
    with pytest.raises(TypeError, match="FieldKind"):
        _ = FieldKind.boolean == "boolean"
    with pytest.raises(TypeError, match="FieldKind"):
        _ = FieldKind.string != "string"
    assert kind_named("list_enum") is FieldKind.list_enum
    assert FieldKind.list_object.prompt_label == "list of objects"
    import pickle

    assert pickle.loads(pickle.dumps(FieldKind.enum)) is FieldKind.enum
