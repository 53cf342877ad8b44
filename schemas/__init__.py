"""Extraction forms: built-in pydantic forms, custom YAML forms, the `Extracted[T]` wrapper."""

from schemas.extracted import Evidence, Extracted, Status
from schemas.form import FieldKind, FieldSpec, Form, form_field
from schemas.registry import BUILTIN_FORMS, load_form

__all__ = [
    "BUILTIN_FORMS",
    "Evidence",
    "Extracted",
    "FieldKind",
    "FieldSpec",
    "Form",
    "Status",
    "form_field",
    "load_form",
]
