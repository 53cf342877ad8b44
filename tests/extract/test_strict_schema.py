"""The draft schemas follow OpenAI's strict structured-output rules; the checker catches breaks."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from schemas.custom import load_yaml_form
from schemas.registry import load_form
from schemas.strict import check_strict_schema, draft_schema

EXAMPLE_FORM = (
    Path(__file__).resolve().parents[2] / "schemas" / "examples" / "ai_diagnostic_accuracy.yaml"
)


@pytest.mark.parametrize("name", ["fm_imaging", "rct_outcomes"])
def test_builtin_forms_pass_the_strict_rules(name: str) -> None:
    form = load_form(name)
    assert check_strict_schema(draft_schema(form)) == []
    for specs in form.groups.values():
        assert check_strict_schema(draft_schema(form, specs)) == []


def test_yaml_form_passes_the_strict_rules() -> None:
    form = load_yaml_form(EXAMPLE_FORM)
    schema = draft_schema(form)
    assert check_strict_schema(schema) == []
    # Nested objects are strict too: every level lists all properties and forbids others.
    accuracy = schema["properties"]["accuracy"]["properties"]["value"]["anyOf"][0]["items"]
    assert accuracy["additionalProperties"] is False
    assert accuracy["required"] == ["metric", "value", "threshold"]


def test_every_field_is_required_and_nullable() -> None:
    form = load_form("fm_imaging")
    schema = draft_schema(form)
    assert schema["required"] == form.field_names
    year = schema["properties"]["year"]["properties"]["value"]
    assert year["type"] == ["integer", "null"]
    study_type = schema["properties"]["study_type"]["properties"]["value"]
    assert {"type": "null"} in study_type["anyOf"]
    assert study_type["anyOf"][0]["enum"] == ["new_model", "adaptation", "evaluation"]


def _valid() -> dict:
    return draft_schema(load_form("rct_outcomes"))


def test_checker_flags_missing_additional_properties() -> None:
    schema = _valid()
    del schema["properties"]["outcome_type"]["additionalProperties"]
    assert any("additionalProperties" in p for p in check_strict_schema(schema))


def test_checker_flags_optional_property() -> None:
    schema = _valid()
    schema["properties"]["outcome_type"]["required"].remove("evidence")
    assert any("not in required: evidence" in p for p in check_strict_schema(schema))


def test_checker_flags_unsupported_keywords_and_root() -> None:
    schema = _valid()
    schema["properties"]["outcome_type"]["properties"]["status"]["default"] = "reported"
    schema["properties"]["outcome_type"]["allOf"] = []
    problems = check_strict_schema(schema)
    assert any("'default'" in p for p in problems)
    assert any("'allOf'" in p for p in problems)
    assert check_strict_schema({"anyOf": [_valid()]})[0].startswith("$: the root")


def test_checker_flags_size_limits() -> None:
    deep: dict = {"type": "string"}
    for _ in range(11):
        deep = {
            "type": "object",
            "properties": {"x": deep},
            "required": ["x"],
            "additionalProperties": False,
        }
    assert any("levels of nesting" in p for p in check_strict_schema(deep))

    wide = {
        "type": "object",
        "properties": {f"p{i}": {"type": "string"} for i in range(5001)},
        "required": [f"p{i}" for i in range(5001)],
        "additionalProperties": False,
    }
    assert any("5001 properties" in p for p in check_strict_schema(wide))

    many_enums = copy.deepcopy(_valid())
    status = many_enums["properties"]["outcome_type"]["properties"]["status"]
    status["enum"] = [f"value_{i:04d}_" + "x" * 60 for i in range(1001)]
    problems = check_strict_schema(many_enums)
    assert any("1003 enum values" in p or "enum values (limit" in p for p in problems)
    assert any("may total at most" in p for p in problems)
