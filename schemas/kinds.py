"""Field kinds as one table: each kind says how it is typed, read, compared, shown and exported.

Adding a field type (say `date`) is one `Kind(...)` entry in `FieldKind` below (or one
`register_kind(Kind(...))` call from outside: tests/test_kinds.py adds `date`);
every stage asks the kind instead of testing `kind in (...)`:

- `json_schema(spec, object_schema)`: the nullable JSON Schema of a value (the
  model's strict draft schema, `schemas.strict`);
- `python_type`, `yaml_name`, `annotation(item)`: the pydantic annotation of a
  form field and the type name in YAML forms (`schemas.form`, `schemas.custom`);
- `parse(spec, value, numeric_text)`: raw gold/correction input (JSON or text) to
  a typed value, numbers through `schemas.numbers`; raises `ValueProblem`;
- `equal(spec, gold, pred, default_rel)`: the audit's scalar comparator (lists of
  scalars compare as sets, objects part by part: see `schemas.compare`);
- `display(value)`: how a value reads in reports and the CLI;
- `export(value)` and `export_type`: the cell written to CSV/XLSX/parquet;
- properties (`is_numeric`, `is_list`, `has_parts`, ...) for the few decisions
  that depend on what a kind is.

A kind is a `str` (its name), so specs, JSON and old `FieldKind.integer`
comparisons keep working; there is exactly one `Kind` object per name.
"""

from __future__ import annotations

import json
import math
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from schemas.numbers import read_number
from schemas.values import (
    FALSE_WORDS,
    TRUE_WORDS,
    NumericText,
    ValueProblem,
    display_value,
    is_empty,
    normalize_text,
)

if TYPE_CHECKING:
    from schemas.form import FieldSpec

Shape = Literal["scalar", "list", "object", "object_list"]
ExportType = Literal["string", "integer", "number", "boolean"]
Parser = Callable[["FieldSpec", Any, NumericText], Any]
Comparator = Callable[["FieldSpec", Any, Any, float | None], bool]
ObjectSchema = Callable[[Sequence["FieldSpec"]], dict[str, Any]]

_REGISTRY: dict[str, Kind] = {}


class Kind(str):
    """A field kind: its name (the string itself) plus its behaviour in every stage."""

    shape: Shape
    item: Kind | None
    python_type: type | None
    json_type: str
    json_format: str | None
    is_numeric: bool
    is_categorical: bool
    has_choices: bool
    yaml_name: str
    prompt_label: str
    export_type: ExportType
    _parse: Parser | None
    _equal: Comparator | None
    _display: Callable[[Any], str]
    _export: Callable[[Any], Any] | None

    def __new__(
        cls,
        name: str,
        *,
        shape: Shape = "scalar",
        item: Kind | None = None,
        python_type: type | None = None,
        json_type: str = "string",
        json_format: str | None = None,
        parse: Parser | None = None,
        equal: Comparator | None = None,
        display: Callable[[Any], str] = display_value,
        export: Callable[[Any], Any] | None = None,
        export_type: ExportType = "string",
        numeric: bool = False,
        categorical: bool = False,
        choices: bool = False,
        yaml_name: str = "",
        prompt_label: str = "",
    ) -> Kind:
        kind = super().__new__(cls, name)
        kind.shape = shape
        kind.item = item
        kind.python_type = python_type
        kind.json_type = json_type
        kind.json_format = json_format
        kind.is_numeric = numeric
        kind.is_categorical = categorical
        kind.has_choices = choices or (item is not None and item.has_choices)
        kind.yaml_name = yaml_name or name
        kind.prompt_label = prompt_label or name
        kind.export_type = export_type
        kind._parse = parse
        kind._equal = equal
        kind._display = display
        kind._export = export
        return kind

    # A kind is compared with kinds only: `spec.kind == "boolean"` would be a typo-prone
    # second vocabulary beside the table, so it is an error, not a silent False.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Kind):
            return str.__eq__(self, other)
        if isinstance(other, str):
            raise TypeError(f"compare kind {str(self)!r} with a Kind (FieldKind.x), not a string")
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__

    def __reduce__(self) -> tuple[Any, ...]:
        return (kind_named, (str(self),))  # one object per name, also after pickling

    def __repr__(self) -> str:
        return f"FieldKind.{self}"

    @property
    def value(self) -> str:
        """The kind's name (as `FieldKind` members had it)."""
        return str(self)

    @property
    def is_list(self) -> bool:
        return self.shape in ("list", "object_list")

    @property
    def is_set(self) -> bool:
        """A list of scalars, compared as a set (precision, recall, F1)."""
        return self.shape == "list"

    @property
    def has_parts(self) -> bool:
        """An object or a list of objects: values with named sub-fields."""
        return self.shape in ("object", "object_list")

    @property
    def is_object(self) -> bool:
        return self.shape == "object"

    @property
    def is_object_list(self) -> bool:
        """A list of objects, whose items the audit pairs up before comparing."""
        return self.shape == "object_list"

    # -- schema ------------------------------------------------------------------------

    def item_schema(self, spec: FieldSpec) -> dict[str, Any]:
        """The (non-null) JSON Schema of one scalar of this kind."""
        schema: dict[str, Any] = {"type": self.json_type}
        if self.has_choices:
            schema["enum"] = list(spec.choices)
        if self.json_format:
            schema["format"] = self.json_format
        return schema

    def json_schema(self, spec: FieldSpec, object_schema: ObjectSchema) -> dict[str, Any]:
        """The nullable JSON Schema of a value; `object_schema` builds nested objects."""
        if self.shape == "object":
            return _nullable(object_schema(spec.item_fields))
        if self.shape == "object_list":
            return _nullable({"type": "array", "items": object_schema(spec.item_fields)})
        if self.shape == "list":
            assert self.item is not None
            return _nullable({"type": "array", "items": self.item.item_schema(spec)})
        schema = self.item_schema(spec)
        if len(schema) == 1:  # a plain type: the short form `["integer", "null"]`
            return {"type": [self.json_type, "null"]}
        return _nullable(schema)

    def annotation(self, item: Any = None) -> Any:
        """The pydantic annotation of a value; `item` is the Literal or model of enums/objects."""
        inner = item if item is not None else self.python_type
        if inner is None and self.item is not None:
            inner = self.item.python_type
        return list[inner] if self.is_list else inner  # type: ignore[valid-type]

    # -- reading, comparing, showing, exporting ----------------------------------------

    def parse(self, spec: FieldSpec, value: Any, numeric_text: NumericText = "parse") -> Any:
        """The typed value of raw input (JSON or text); None when empty. Raises `ValueProblem`."""
        if is_empty(value):
            return None
        if self.shape == "list":
            return _parse_list(self, spec, value, numeric_text)
        if self.shape == "object":
            return _parse_object(spec, value, numeric_text)
        if self.shape == "object_list":
            if not isinstance(value, list):
                raise ValueProblem(f"expected a list of objects, got {type(value).__name__}")
            objects = [_parse_object(spec, v, numeric_text) for v in value]
            return [o for o in objects if o is not None] or None
        if self._parse is None:  # pragma: no cover - every scalar kind has a parser
            raise ValueProblem(f"unsupported field kind {self}")
        return self._parse(spec, value, numeric_text)

    def equal(self, spec: FieldSpec, gold: Any, pred: Any, default_rel: float | None) -> bool:
        """Whether two (non-empty, parsed) scalars match under this field's rules."""
        if self._equal is None:
            return bool(gold == pred)
        return self._equal(spec, gold, pred, default_rel)

    def display(self, value: Any) -> str:
        return self._display(value)

    def export(self, value: Any) -> Any:
        """The spreadsheet/parquet cell of a stored (JSON-plain) value."""
        if value is None:
            return None
        return value if self._export is None else self._export(value)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


# -- parsers -------------------------------------------------------------------------


def number_value(value: Any, numeric_text: NumericText = "parse") -> int | float:
    """A number from a JSON number or from text as papers print it ("1,525", "−3.2", "1,5")."""
    if isinstance(value, bool):
        raise ValueProblem(f"expected a number, got {value!r}", "a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if numeric_text == "keep":
            raise ValueProblem(f"number written as text {value!r}", "a number")
        number = read_number(value)
        if number is not None:
            return int(number.value) if number.whole else number.value
    raise ValueProblem(f"expected a number, got {value!r}", "a number")


def _parse_number(spec: FieldSpec, value: Any, numeric_text: NumericText) -> int | float:
    return number_value(value, numeric_text)


def _parse_integer(spec: FieldSpec, value: Any, numeric_text: NumericText) -> int:
    number = number_value(value, numeric_text)
    if not float(number).is_integer():
        raise ValueProblem(f"expected a whole number, got {value!r}", "a whole number")
    return int(number)


def _parse_boolean(spec: FieldSpec, value: Any, numeric_text: NumericText) -> bool:
    if isinstance(value, bool):
        return value
    token = normalize_text(str(value)) if isinstance(value, (str, int)) else None
    if token in TRUE_WORDS:
        return True
    if token in FALSE_WORDS:
        return False
    raise ValueProblem(f"expected true/false, got {value!r}", "a boolean (use true/false, yes/no)")


def _parse_enum(spec: FieldSpec, value: Any, numeric_text: NumericText) -> str:
    if isinstance(value, str):
        wanted = normalize_text(value)
        for choice in spec.choices:
            if normalize_text(choice) == wanted:
                return choice
    raise ValueProblem(
        f"{value!r} is not one of {', '.join(spec.choices)}", "one of the allowed values"
    )


def _parse_string(spec: FieldSpec, value: Any, numeric_text: NumericText) -> str:
    if isinstance(value, str):
        return value.strip()
    raise ValueProblem(f"expected text, got {type(value).__name__} {value!r}", "text")


def _parse_list(kind: Kind, spec: FieldSpec, value: Any, numeric_text: NumericText) -> Any:
    items = [v.strip() for v in value.split(";")] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ValueProblem(f"expected a list, got {type(value).__name__}")
    assert kind.item is not None
    item_spec = replace(spec, kind=kind.item, item_fields=())
    out = [kind.item.parse(item_spec, v, numeric_text) for v in items if not is_empty(v)]
    return out or None


def _parse_object(spec: FieldSpec, value: Any, numeric_text: NumericText) -> dict | None:
    if is_empty(value):
        return None
    if not isinstance(value, dict):
        raise ValueProblem(f"expected an object, got {type(value).__name__}")
    known = {f.name: f for f in spec.item_fields}
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueProblem(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(known)})")
    out: dict[str, Any] = {}
    for name, sub in known.items():
        try:
            out[name] = sub.kind.parse(sub, value.get(name), numeric_text)
        except ValueProblem as exc:
            raise ValueProblem(f"{name}: {exc}", exc.expected) from None
    return out


def coerce_value(spec: FieldSpec, value: Any, numeric_text: NumericText = "parse") -> Any:
    """The typed value of `value` for field `spec` by its kind's parser; None when empty.
    Raises `ValueProblem` (gold loading, the audit and the synthesis all read values so)."""
    return spec.kind.parse(spec, value, numeric_text)


# -- comparators ---------------------------------------------------------------------


def numbers_equal(spec: FieldSpec, gold: float, pred: float, default_rel: float | None) -> bool:
    """Equal within the field's tolerances (`default_rel` when it sets none)."""
    # Values parsed from the same decimal text are identical; isclose only absorbs float noise.
    if gold == pred or math.isclose(gold, pred, rel_tol=1e-12, abs_tol=1e-12):
        return True
    abs_tol, rel_tol = spec.tolerance_abs, spec.tolerance_rel
    if abs_tol is None and rel_tol is None:
        rel_tol = default_rel
    diff = abs(gold - pred)
    return (abs_tol is not None and diff <= abs_tol + 1e-12) or (
        rel_tol is not None and diff <= rel_tol * abs(gold) + 1e-12
    )


def _equal_number(spec: FieldSpec, gold: Any, pred: Any, default_rel: float | None) -> bool:
    return numbers_equal(spec, float(gold), float(pred), default_rel)


def _equal_integer(spec: FieldSpec, gold: Any, pred: Any, default_rel: float | None) -> bool:
    # Counts have no default tolerance: 120 vs 121 participants is a different number.
    return numbers_equal(spec, float(gold), float(pred), None)


def _equal_text(spec: FieldSpec, gold: Any, pred: Any, default_rel: float | None) -> bool:
    return normalize_text(str(gold), spec.aliases) == normalize_text(str(pred), spec.aliases)


# -- exports -------------------------------------------------------------------------


def _export_joined(value: Any) -> str:
    return "; ".join(str(v) for v in value)


def _export_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- the table -----------------------------------------------------------------------


class FieldKind:
    """The kinds, one entry each (a namespace: `FieldKind.integer` is a `Kind`)."""

    string = Kind("string", python_type=str, parse=_parse_string, equal=_equal_text)
    integer = Kind(
        "integer",
        python_type=int,
        json_type="integer",
        parse=_parse_integer,
        equal=_equal_integer,
        numeric=True,
        export_type="integer",
    )
    number = Kind(
        "number",
        python_type=float,
        json_type="number",
        parse=_parse_number,
        equal=_equal_number,
        numeric=True,
        export_type="number",
    )
    boolean = Kind(
        "boolean",
        python_type=bool,
        json_type="boolean",
        parse=_parse_boolean,
        categorical=True,
        export_type="boolean",
    )
    enum = Kind("enum", parse=_parse_enum, equal=_equal_text, categorical=True, choices=True)
    object = Kind("object", shape="object", export=_export_json)
    list_string = Kind(
        "list_string",
        shape="list",
        item=string,
        export=_export_joined,
        yaml_name="list[string]",
        prompt_label="list of strings",
    )
    list_enum = Kind(
        "list_enum",
        shape="list",
        item=enum,
        export=_export_joined,
        yaml_name="list[enum]",
        prompt_label="list of allowed values",
    )
    list_object = Kind(
        "list_object",
        shape="object_list",
        item=object,
        export=_export_json,
        yaml_name="list[object]",
        prompt_label="list of objects",
    )


def register_kind(kind: Kind) -> Kind:
    """Add a kind to the table (built-ins are registered below); names are unique."""
    if str(kind) in _REGISTRY and _REGISTRY[str(kind)] is not kind:
        raise ValueError(f"a field kind named {kind!r} exists already")
    _REGISTRY[str(kind)] = kind
    return kind


for _kind in list(vars(FieldKind).values()):
    if isinstance(_kind, Kind):
        register_kind(_kind)


def kind_named(name: str) -> Kind:
    """The kind called `name` (a `FieldKind` member or a registered kind)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown field kind {name!r}") from None


def all_kinds() -> Iterator[Kind]:
    return iter(_REGISTRY.values())


def kind_of_yaml_type(name: str) -> Kind | None:
    """The kind a YAML form means by `type: <name>` ("number", "list[enum]")."""
    return next((k for k in _REGISTRY.values() if k.yaml_name == name), None)


def yaml_type_names() -> tuple[str, ...]:
    return tuple(k.yaml_name for k in _REGISTRY.values())


def scalar_kind_of(annotation: Any) -> Kind:
    """The kind of a (non-list) pydantic annotation: a Literal is an enum, a model an object."""
    if typing.get_origin(annotation) is Literal:
        return FieldKind.enum
    if isinstance(annotation, type):
        for kind in _REGISTRY.values():
            if kind.shape == "scalar" and kind.python_type is annotation:
                return kind
        from pydantic import BaseModel

        if issubclass(annotation, BaseModel):
            return FieldKind.object
    raise TypeError(f"unsupported form field type: {annotation!r}")


def list_kind_of(item: Kind) -> Kind | None:
    """The list kind whose items are of kind `item`, if lists of it are supported."""
    return next((k for k in _REGISTRY.values() if k.item is item and k.is_list), None)
