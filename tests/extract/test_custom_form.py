"""Custom YAML forms: a working example, and one-line errors naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.custom import load_yaml_form
from schemas.errors import InputError
from schemas.form import FieldKind
from schemas.registry import load_form

EXAMPLE_FORM = (
    Path(__file__).resolve().parents[2] / "schemas" / "examples" / "ai_diagnostic_accuracy.yaml"
)


def test_example_form_loads_with_all_settings() -> None:
    form = load_form(str(EXAMPLE_FORM))
    assert form.name == "ai_diagnostic_accuracy"
    assert form.version == "1.0"
    assert form.description.startswith("Diagnostic test accuracy")
    assert set(form.groups) == {"study", "accuracy"}
    reference = form.field("reference_standard")
    assert reference.kind is FieldKind.enum
    assert reference.choice_definitions["histopathology"] == "biopsy or surgical pathology"
    accuracy = form.field("accuracy")
    assert accuracy.kind is FieldKind.list_object
    assert accuracy.align_on == ("metric", "threshold")
    value = next(f for f in accuracy.item_fields if f.name == "value")
    assert value.tolerance_rel == 0.02
    assert form.field("test_set_size").tolerance_abs == 0
    assert form.field("modality").kind is FieldKind.list_enum
    assert form.field("confusion_matrix").kind is FieldKind.object
    assert form.field("index_test").aliases == {"deep learning model": "dl model"}
    # The generated model validates plain values and rejects values outside a vocabulary.
    form.model.model_validate({"reference_standard": "follow_up", "test_set_size": 10})
    with pytest.raises(ValueError):
        form.model.model_validate({"reference_standard": "guess"})


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "name: f\nfields:\n  - {name: a, type: strin}\n",
            "field 'a': type: Value error, unknown type 'strin'",
        ),
        (
            "name: f\nfields:\n  - {name: a, type: string}\n  - {name: a, type: integer}\n",
            "field 'a': duplicate field name",
        ),
        ("name: f\nfields:\n  - {name: a, type: enum}\n", "field 'a': type enum needs choices"),
        (
            "name: f\nfields:\n  - {name: a, type: object}\n",
            "field 'a': type object needs nested fields",
        ),
        (
            "name: f\nfields:\n  - {name: a, type: string, colour: red}\n",
            "field 'a': colour: Extra inputs",
        ),
        ("name: f\nfields:\n  - {name: 2a, type: string}\n", "field '2a': name:"),
        (
            "name: f\nfields:\n  - name: a\n    type: object\n"
            "    fields:\n      - {name: b, type: nope}\n",
            "field 'a'.field 'b': type:",
        ),
        ("name: f\nfields: [\n", "not valid YAML (line"),
        ("- just\n- a list\n", "a form must be a YAML mapping"),
        ("name: f\n", "fields: Field required"),
        (
            "name: f\nfields:\n  - {name: a, type: number, is_name: true}\n",
            "field 'a': is_name only applies to string or list[string] fields",
        ),
        (
            "name: f\nfields:\n  - name: a\n    type: list[object]\n"
            "    fields:\n      - {name: b, type: boolean, is_name: true}\n",
            "field 'a'.field 'b': is_name only applies to string or list[string] fields",
        ),
        (
            "name: f\nfields:\n  - {name: a, type: string, align_on: [x]}\n",
            "field 'a': align_on only applies to list[object] fields",
        ),
    ],
)
def test_bad_forms_give_one_line_errors(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InputError) as info:
        load_yaml_form(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ")
    assert message in text
    assert "\n" not in text


def test_missing_form_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read form"):
        load_yaml_form(tmp_path / "absent.yaml")


def test_form_beyond_openai_limits_is_refused(tmp_path: Path) -> None:
    choices = ", ".join(f"c{i}" for i in range(1001))
    path = _write(
        tmp_path, f"name: f\nfields:\n  - {{name: a, type: enum, choices: [{choices}]}}\n"
    )
    with pytest.raises(InputError, match=r"too large for strict structured output: .*enum values"):
        load_yaml_form(path)


HEADLINE_FORM = """\
name: pooled
headline_groups:
  by: design
  groups: {parallel: [n_randomised, n_analysed]}
fields:
  - {name: design, type: enum, choices: [parallel, crossover]}
  - {name: n_randomised, type: integer}
  - {name: n_analysed, type: integer}
"""


def test_a_yaml_form_declares_its_headline_groups(tmp_path: Path) -> None:
    form = load_yaml_form(_write(tmp_path, HEADLINE_FORM))
    assert form.headline_groups is not None
    assert form.headline_groups.by == "design"
    assert form.headline_groups.groups == {"parallel": ("n_randomised", "n_analysed")}
    assert load_form("rct_outcomes").headline_groups is not None
    assert load_form("fm_imaging").headline_groups is None


def test_headline_groups_must_name_fields_of_the_form(tmp_path: Path) -> None:
    body = HEADLINE_FORM.replace("n_analysed]", "n_analysd]")
    with pytest.raises(InputError, match=r"headline_groups name unknown field.*n_analysd"):
        load_yaml_form(_write(tmp_path, body))
