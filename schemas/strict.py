"""JSON Schemas for the model's *draft* answer, in the subset OpenAI strict mode accepts.

The model answers, per field, `{"value": <typed|null>, "status": ..., "evidence":
[{"quote": ..., "page": ...}]}`. Strict structured outputs need every property
listed in `required`, optional values as a union with null, `additionalProperties:
false` on every object and no keywords outside a small subset; `check_strict_schema`
checks those rules (and OpenAI's size limits) so a bad custom form fails here, not
as an HTTP 400 halfway through a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from schemas.extracted import Status
from schemas.form import FieldSpec, Form

# OpenAI structured-outputs limits ("Supported schemas", 2025-2026 docs).
MAX_PROPERTIES = 5000
MAX_NESTING = 10
MAX_TOTAL_STRING_LENGTH = 120_000
MAX_ENUM_VALUES = 1000
LARGE_ENUM = 250
MAX_LARGE_ENUM_STRING_LENGTH = 15_000

SUPPORTED_TYPES = {"string", "number", "integer", "boolean", "object", "array", "null"}
SUPPORTED_FORMATS = {
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
}
ALLOWED_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "description",
    "title",
    "$ref",
    "$defs",
    "definitions",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
}


def _describe(spec: FieldSpec) -> str:
    text = spec.description
    if spec.choice_definitions:
        meanings = "; ".join(f"{k}: {v}" for k, v in spec.choice_definitions.items())
        text = f"{text} ({meanings})" if text else meanings
    return text


def _object(specs: Sequence[FieldSpec]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {s.name: value_schema(s) for s in specs},
        "required": [s.name for s in specs],
        "additionalProperties": False,
    }


def value_schema(spec: FieldSpec) -> dict[str, Any]:
    """The (nullable) schema of one field's plain value."""
    schema = spec.kind.json_schema(spec, _object)
    description = _describe(spec)
    if description:
        schema["description"] = description
    return schema


MAX_QUOTES = 3  # per field; also keeps grammar-constrained small models from looping

EVIDENCE_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "verbatim quotes from the paper that support the value (at most 3)",
    "maxItems": MAX_QUOTES,
    "items": {
        "type": "object",
        "properties": {
            "quote": {"type": "string", "description": "copied character for character"},
            "page": {"type": ["integer", "null"], "description": "1-based page, if known"},
        },
        "required": ["quote", "page"],
        "additionalProperties": False,
    },
}


def draft_field_schema(spec: FieldSpec) -> dict[str, Any]:
    """`{value, status, evidence}` for one field."""
    return {
        "type": "object",
        "properties": {
            "value": value_schema(spec),
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "evidence": EVIDENCE_SCHEMA,
        },
        "required": ["value", "status", "evidence"],
        "additionalProperties": False,
    }


def draft_schema(form: Form, fields: Iterable[FieldSpec] | None = None) -> dict[str, Any]:
    """The strict schema of a draft for `fields` (default: the whole form)."""
    specs = list(form.fields if fields is None else fields)
    return {
        "type": "object",
        "properties": {s.name: draft_field_schema(s) for s in specs},
        "required": [s.name for s in specs],
        "additionalProperties": False,
    }


def check_strict_schema(schema: dict[str, Any]) -> list[str]:
    """Every way `schema` breaks OpenAI's strict structured-outputs rules ([] when none)."""
    problems: list[str] = []
    totals = {"properties": 0, "strings": 0, "enum_values": 0, "max_depth": 0}

    if schema.get("type") != "object" or "anyOf" in schema:
        problems.append("$: the root must be a plain object schema (not anyOf)")

    def walk(node: Any, path: str, depth: int) -> None:
        if not isinstance(node, dict):
            problems.append(f"{path}: a schema must be an object, got {type(node).__name__}")
            return
        for key in node:
            if key not in ALLOWED_KEYWORDS:
                problems.append(f"{path}: unsupported keyword {key!r}")
        types = node.get("type")
        type_list = types if isinstance(types, list) else [types] if types else []
        for t in type_list:
            if t not in SUPPORTED_TYPES:
                problems.append(f"{path}: unsupported type {t!r}")
        if "format" in node and node["format"] not in SUPPORTED_FORMATS:
            problems.append(f"{path}: unsupported format {node['format']!r}")
        if "object" in type_list or "properties" in node:
            depth += 1
            totals["max_depth"] = max(totals["max_depth"], depth)
            props = node.get("properties", {})
            totals["properties"] += len(props)
            totals["strings"] += sum(len(name) for name in props)
            if node.get("additionalProperties") is not False:
                problems.append(f"{path}: additionalProperties must be false")
            required = node.get("required", [])
            missing = [p for p in props if p not in required]
            if missing:
                problems.append(f"{path}: properties not in required: {', '.join(missing)}")
            extra = [r for r in required if r not in props]
            if extra:
                problems.append(f"{path}: required names unknown properties: {', '.join(extra)}")
            for name, sub in props.items():
                walk(sub, f"{path}.{name}", depth)
        if "array" in type_list:
            if "items" not in node:
                problems.append(f"{path}: an array needs items")
            else:
                walk(node["items"], f"{path}[]", depth)
        if "enum" in node:
            values = node["enum"]
            totals["enum_values"] += len(values)
            length = sum(len(str(v)) for v in values if v is not None)
            totals["strings"] += length
            if len(values) > LARGE_ENUM and length > MAX_LARGE_ENUM_STRING_LENGTH:
                problems.append(
                    f"{path}: an enum of more than {LARGE_ENUM} values may total at most "
                    f"{MAX_LARGE_ENUM_STRING_LENGTH} characters ({length})"
                )
        if "const" in node:
            totals["strings"] += len(str(node["const"]))
        for i, branch in enumerate(node.get("anyOf", [])):
            walk(branch, f"{path}.anyOf[{i}]", depth)
        for defs_key in ("$defs", "definitions"):
            for name, sub in node.get(defs_key, {}).items():
                totals["strings"] += len(name)
                walk(sub, f"{path}.{defs_key}.{name}", depth)

    walk(schema, "$", 0)
    if totals["properties"] > MAX_PROPERTIES:
        problems.append(f"$: {totals['properties']} properties (limit {MAX_PROPERTIES})")
    if totals["max_depth"] > MAX_NESTING:
        problems.append(f"$: {totals['max_depth']} levels of nesting (limit {MAX_NESTING})")
    if totals["enum_values"] > MAX_ENUM_VALUES:
        problems.append(f"$: {totals['enum_values']} enum values (limit {MAX_ENUM_VALUES})")
    if totals["strings"] > MAX_TOTAL_STRING_LENGTH:
        problems.append(
            f"$: names and enum values total {totals['strings']} characters "
            f"(limit {MAX_TOTAL_STRING_LENGTH})"
        )
    return problems
