"""Custom extraction forms written in YAML, turned into pydantic models at run time.

    name: ai_diagnostic_accuracy
    version: "1.0"
    description: Diagnostic accuracy of AI models
    guidance: A value the paper does not state is null.
    targeted: false
    headline_groups:             # optional: the audit's record exact match
      by: reference_standard     # the field whose gold value picks the group
      groups: {histopathology: [accuracy]}
    effect_roles:                # optional: which fields make an effect size (synthesize)
      ai: events_ai              #   metafor escalc names, plus the printed-form roles
      n1i: n_ai                  #   (med1i, se1i, lo1i, hi1i, pct1i, md, study_id, ...)
    fields:
      - name: index_test
        type: string
        description: the AI model evaluated
        group: test
        is_name: true              # a name, not a phrase or a title (string, list[string])
      - name: reference_standard
        type: enum
        choices: {histopathology: biopsy-proven, follow_up: clinical follow-up}
      - name: accuracy
        type: list[object]
        align_on: [metric]
        fields:
          - {name: metric, type: enum, choices: [sensitivity, specificity, auc]}
          - {name: value, type: number, tolerance: {rel: 0.02}}

The resulting class goes through `Form.from_model`, exactly like a built-in form.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, create_model, field_validator

from schemas.errors import InputError
from schemas.form import Form, HeadlineGroups, form_field, holds_names
from schemas.kinds import FieldKind, Kind, kind_of_yaml_type, yaml_type_names
from schemas.roles import effect_roles
from schemas.strict import check_strict_schema, draft_schema

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class _Tolerance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rel: float | None = None
    abs: float | None = None


class _FieldDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    type: str
    description: str = ""
    group: str = "main"
    choices: list[str] | dict[str, str] | None = None
    tolerance: float | _Tolerance | None = None
    aliases: dict[str, str] | None = None
    align_on: list[str] | None = None
    applies_when: str | None = None  # a rule: when the field applies at all
    judged: bool = False  # a classification the paper need not print word for word
    is_name: bool = False  # a name, a few words: not a phrase or a title (`name` is the key)
    fields: list[dict[str, Any]] | None = None

    @field_validator("name")
    @classmethod
    def _valid_name(cls, name: str) -> str:
        # Each refusal says its own reason: "class" is a fine identifier, but a keyword.
        if not _NAME.match(name):
            raise ValueError("must start with a letter and hold only letters, digits and _")
        if keyword.iskeyword(name):
            raise ValueError(f"{name!r} is a reserved word in Python; use e.g. {name}_ instead")
        if name.startswith("model_"):
            raise ValueError("must not start with model_ (reserved by pydantic)")
        return name

    @field_validator("type")
    @classmethod
    def _known_type(cls, kind: str) -> str:
        kind = kind.replace(" ", "")
        if kind_of_yaml_type(kind) is None:
            known = ", ".join(yaml_type_names())
            raise ValueError(f"unknown type {kind!r} (known: {known})")
        return kind

    @property
    def kind(self) -> Kind:
        kind = kind_of_yaml_type(self.type)
        assert kind is not None  # checked by _known_type
        return kind


class _HeadlineGroupsDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str
    groups: dict[str, list[str]]


class _FormDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: str = "1.0"
    description: str = ""
    guidance: str = ""
    targeted: bool = False
    headline_groups: _HeadlineGroupsDef | None = None
    rules: list[str] = []  # consistency rules over the record (schemas/rules.py)
    # Roles the checks read, as built-in forms declare them (class attributes, outside the
    # form's hash): effect roles (schemas/roles.py) and the words whose absence from a
    # paper makes a boolean false verifiable.
    effect_roles: dict[str, str] = {}
    absence_terms: dict[str, list[str]] = {}
    fields: list[Any]

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, version: Any) -> Any:
        return str(version) if isinstance(version, int | float) else version


def _one_line(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}" if where else err["msg"])
    return "; ".join(parts)


def _field_label(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("name"), str):
        return f"field {raw['name']!r}"
    return f"field #{index + 1}"


def _annotation(fd: _FieldDef, path: Path, label: str, model_name: str) -> Any:
    kind = fd.kind
    if kind.has_choices:
        if not fd.choices:
            raise InputError(path, f"{label}: type {fd.type} needs choices")
        values = tuple(fd.choices)
        if len(set(values)) != len(values):
            raise InputError(path, f"{label}: duplicate choices")
        return kind.annotation(Literal[values])
    if fd.choices:
        raise InputError(path, f"{label}: choices are only allowed for enum types")
    if not kind.has_parts:
        return kind.annotation()
    if not fd.fields:
        raise InputError(path, f"{label}: type {fd.type} needs nested fields")
    item = _build_model(fd.fields, path, f"{model_name}_{fd.name}", label_prefix=f"{label}.")
    return kind.annotation(item)


def _field_info(fd: _FieldDef, path: Path, label: str, nested_names: set[str]) -> Any:
    tol_rel = tol_abs = None
    if isinstance(fd.tolerance, float | int):
        tol_rel = float(fd.tolerance)
    elif isinstance(fd.tolerance, _Tolerance):
        tol_rel, tol_abs = fd.tolerance.rel, fd.tolerance.abs
    if fd.tolerance is not None and not fd.kind.is_numeric:
        raise InputError(path, f"{label}: tolerance only applies to integer or number fields")
    if fd.align_on:
        if not fd.kind.is_object_list:
            raise InputError(path, f"{label}: align_on only applies to list[object] fields")
        unknown = [a for a in fd.align_on if a not in nested_names]
        if unknown:
            raise InputError(path, f"{label}: align_on names unknown nested fields {unknown}")
    if fd.is_name and not holds_names(fd.kind):
        raise InputError(path, f"{label}: is_name only applies to string or list[string] fields")
    return form_field(
        fd.description,
        group=fd.group,
        tolerance_rel=tol_rel,
        tolerance_abs=tol_abs,
        aliases=fd.aliases,
        align_on=fd.align_on,
        choice_definitions=fd.choices if isinstance(fd.choices, dict) else None,
        applies_when=fd.applies_when,
        judged=fd.judged,
        is_name=fd.is_name,
    )


def _build_model(
    raw_fields: list[Any], path: Path, model_name: str, *, label_prefix: str = "", doc: str = ""
) -> type[BaseModel]:
    if not raw_fields:
        raise InputError(path, f"{label_prefix or ''}fields: at least one field is needed")
    definitions: dict[str, Any] = {}
    for index, raw in enumerate(raw_fields):
        label = label_prefix + _field_label(raw, index)
        if not isinstance(raw, dict):
            raise InputError(path, f"{label}: expected a mapping with name and type")
        try:
            fd = _FieldDef.model_validate(raw)
        except ValidationError as exc:
            raise InputError(path, f"{label}: {_one_line(exc)}") from None
        if fd.name in definitions:
            raise InputError(path, f"{label}: duplicate field name")
        annotation = _annotation(fd, path, label, model_name)
        nested = {str(f.get("name")) for f in fd.fields or [] if isinstance(f, dict)}
        definitions[fd.name] = (annotation | None, _field_info(fd, path, label, nested))
    return create_model(
        model_name,
        __config__=ConfigDict(extra="forbid"),
        __doc__=doc or None,
        **definitions,
    )


def load_yaml_form(path: str | Path) -> Form:
    """Read a YAML form; any problem is an `InputError` naming the file and the field."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(path, f"cannot read form: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(path, f"not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise InputError(path, "a form must be a YAML mapping with name and fields")
    try:
        spec = _FormDef.model_validate(data)
    except ValidationError as exc:
        raise InputError(path, _one_line(exc)) from None
    if not _NAME.match(spec.name):
        raise InputError(path, f"name: {spec.name!r} must be an identifier")
    class_name = "".join(part.capitalize() for part in spec.name.split("_")) or "CustomForm"
    model = _build_model(spec.fields, path, class_name, doc=spec.description)
    if spec.effect_roles:
        unknown = sorted(f for f in spec.effect_roles.values() if f not in model.model_fields)
        if unknown:
            raise InputError(path, f"effect_roles: unknown field(s) {', '.join(unknown)}")
        # The same class attribute a built-in form declares; synthesis and the checks read it.
        model.effect_roles = dict(spec.effect_roles)  # type: ignore[attr-defined]
    if spec.absence_terms:
        model.absence_terms = {k: tuple(v) for k, v in spec.absence_terms.items()}  # type: ignore[attr-defined]
    headline = spec.headline_groups
    try:
        form = Form.from_model(
            model,
            name=spec.name,
            version=spec.version,
            guidance=spec.guidance,
            targeted=spec.targeted,
            headline_groups=HeadlineGroups(
                by=headline.by, groups={k: tuple(v) for k, v in headline.groups.items()}
            )
            if headline
            else None,
            rules=spec.rules,
        )
    except (TypeError, ValueError) as exc:  # a type combination Form cannot describe
        raise InputError(path, str(exc)) from None
    try:
        effect_roles(form)  # unknown roles or fields fail here, naming the file
    except ValueError as exc:
        raise InputError(path, str(exc)) from None
    for name in spec.absence_terms:
        if name not in form.field_names or form.field(name).kind != FieldKind.boolean:
            raise InputError(path, f"absence_terms: {name!r} is not a boolean field of the form")
    # Fail here, not as an HTTP 400 in the middle of a batch.
    problems = check_strict_schema(draft_schema(form))
    if problems:
        raise InputError(path, f"too large for strict structured output: {problems[0]}")
    return form
