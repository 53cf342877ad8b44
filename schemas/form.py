"""A form is a pydantic model of plain values plus what each field means.

Built-in forms are written as pydantic classes; custom YAML forms are turned
into pydantic classes at run time. Either way `Form.from_model` reads the
class once and describes each field as a `FieldSpec` (its kind, vocabulary,
tolerances, aliases), which the prompt, the JSON Schema and the audit's
comparators all use. One description, no drift between stages.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel
from pydantic import Field as PydanticField

from schemas.hashing import short_hash
from schemas.kinds import FieldKind, Kind, list_kind_of, scalar_kind_of
from schemas.rules import parse_rule

__all__ = [
    "FieldKind",
    "FieldSpec",
    "Form",
    "HeadlineGroups",
    "describe_field",
    "form_field",
    "holds_names",
]


def form_field(
    description: str,
    *,
    group: str = "main",
    tolerance_rel: float | None = None,
    tolerance_abs: float | None = None,
    aliases: dict[str, str] | None = None,
    align_on: list[str] | None = None,
    choice_definitions: dict[str, str] | None = None,
    applies_when: str | None = None,
    judged: bool = False,
    is_name: bool = False,
) -> Any:
    """A form field: always optional (a paper may not report it), with audit settings.

    `applies_when` is a rule (schemas/rules.py) saying when the field applies at all
    ("outcome_type == 'binary'"): an empty field that does not apply needs no review,
    and a value where it does not apply is flagged. `judged` marks a classification
    the paper need not print word for word (an outcome type, a study design): its
    value is checked by its located quote and the rules, not by finding its term in it.
    `is_name` marks a string (or each string of a list) that must hold a name, a few
    words, not a phrase or a title: a title stands in a quote of the title, so standing
    in its quote does not make a value the right one.
    """
    extra: dict[str, Any] = {"group": group}
    if applies_when:
        extra["applies_when"] = applies_when
    if judged:
        extra["judged"] = True
    if is_name:
        extra["is_name"] = True
    if tolerance_rel is not None:
        extra["tolerance_rel"] = tolerance_rel
    if tolerance_abs is not None:
        extra["tolerance_abs"] = tolerance_abs
    if aliases:
        extra["aliases"] = aliases
    if align_on:
        extra["align_on"] = align_on
    if choice_definitions:
        extra["choice_definitions"] = choice_definitions
    return PydanticField(default=None, description=description, json_schema_extra=extra)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    description: str = ""
    applies_when: str | None = None
    judged: bool = False
    is_name: bool = False
    group: str = "main"
    choices: tuple[str, ...] = ()
    choice_definitions: dict[str, str] = field(default_factory=dict)
    item_fields: tuple[FieldSpec, ...] = ()
    tolerance_rel: float | None = None
    tolerance_abs: float | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    align_on: tuple[str, ...] = ()


def holds_names(kind: Kind) -> bool:
    """Whether a field of `kind` may be marked `is_name`: a string, or a list of strings."""
    return kind == FieldKind.string or kind == FieldKind.list_string


def _unwrap_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _scalar_kind(annotation: Any) -> tuple[Kind, tuple[str, ...]]:
    annotation = _unwrap_optional(annotation)
    kind = scalar_kind_of(annotation)
    choices = tuple(str(a) for a in typing.get_args(annotation)) if kind.has_choices else ()
    return kind, choices


def describe_field(name: str, info: Any) -> FieldSpec:
    """Describe one pydantic field (`model.model_fields[name]`) as a `FieldSpec`."""
    annotation = _unwrap_optional(info.annotation)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    item_type = None
    if typing.get_origin(annotation) is list:
        item_type = _unwrap_optional(typing.get_args(annotation)[0])
        item_kind, choices = _scalar_kind(item_type)
        list_kind = list_kind_of(item_kind)
        if list_kind is None:
            raise TypeError(f"field {name!r}: lists of {item_kind} are not supported")
        kind = list_kind
    else:
        kind, choices = _scalar_kind(annotation)
        if kind.has_parts:
            item_type = annotation
    is_name = bool(extra.get("is_name", False))
    if is_name and not holds_names(kind):
        raise TypeError(f"field {name!r}: is_name only applies to string or list[string] fields")
    items: tuple[FieldSpec, ...] = ()
    if kind.has_parts:
        assert item_type is not None
        items = tuple(describe_field(n, i) for n, i in item_type.model_fields.items())
    return FieldSpec(
        name=name,
        kind=kind,
        description=info.description or "",
        group=str(extra.get("group", "main")),
        choices=choices,
        choice_definitions=dict(extra.get("choice_definitions", {})),  # type: ignore[arg-type]
        item_fields=items,
        tolerance_rel=extra.get("tolerance_rel"),  # type: ignore[arg-type]
        tolerance_abs=extra.get("tolerance_abs"),  # type: ignore[arg-type]
        aliases=dict(extra.get("aliases", {})),  # type: ignore[arg-type]
        align_on=tuple(extra.get("align_on", ())),  # type: ignore[arg-type]
        applies_when=extra.get("applies_when"),  # type: ignore[arg-type]
        judged=bool(extra.get("judged", False)),
        is_name=is_name,
    )


@dataclass(frozen=True)
class HeadlineGroups:
    """The fields that must all agree for a record to count as right, per group of records.

    The audit's record exact match: `by` names the field whose gold value puts a
    record in a group (rct_outcomes: `outcome_type`), and each group lists its
    headline fields (a binary outcome's events and group sizes).
    """

    by: str
    groups: dict[str, tuple[str, ...]]

    def check(self, form_name: str, field_names: list[str]) -> None:
        named = [self.by, *(f for fields in self.groups.values() for f in fields)]
        unknown = sorted(set(named) - set(field_names))
        if unknown:
            raise ValueError(
                f"form {form_name!r}: headline_groups name unknown field(s) {', '.join(unknown)}"
            )


@dataclass(frozen=True)
class Form:
    """An extraction form: its value model, field specs and identity."""

    name: str
    version: str
    model: type[BaseModel]
    description: str = ""
    guidance: str = ""
    targeted: bool = False
    fields: tuple[FieldSpec, ...] = ()
    headline_groups: HeadlineGroups | None = None  # audit only: not part of the form's hash
    rules: tuple[str, ...] = ()  # consistency rules (schemas/rules.py), checked per record

    @classmethod
    def from_model(
        cls,
        model: type[BaseModel],
        *,
        name: str,
        version: str,
        guidance: str = "",
        targeted: bool = False,
        headline_groups: HeadlineGroups | None = None,
        rules: tuple[str, ...] | list[str] = (),
    ) -> Form:
        specs = tuple(describe_field(n, i) for n, i in model.model_fields.items())
        if headline_groups is not None:
            headline_groups.check(name, [s.name for s in specs])
        known = frozenset(s.name for s in specs)
        for text in [*rules, *(s.applies_when for s in specs if s.applies_when)]:
            parse_rule(text, known)  # a rule naming no field of the form fails here
        return cls(
            name=name,
            version=version,
            model=model,
            description=(model.__doc__ or "").strip(),
            guidance=guidance.strip(),
            targeted=targeted,
            fields=specs,
            headline_groups=headline_groups,
            rules=tuple(rules),
        )

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"form {self.name!r} has no field {name!r}")

    @property
    def groups(self) -> dict[str, list[FieldSpec]]:
        out: dict[str, list[FieldSpec]] = {}
        for spec in self.fields:
            out.setdefault(spec.group, []).append(spec)
        return out

    @cached_property
    def hash(self) -> str:
        """Changes whenever the fields, vocabularies, descriptions or version change."""
        payload = {
            "name": self.name,
            "version": self.version,
            "guidance": self.guidance,
            "targeted": self.targeted,
            "schema": self.model.model_json_schema(),
            **({"rules": list(self.rules)} if self.rules else {}),
        }
        return short_hash(payload)
