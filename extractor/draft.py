"""The model's draft answer for one field group, and its validation.

The strict schema makes a well-behaved server answer in the right shape; this
pydantic model is what decides (types, vocabularies, nested objects, status
consistent with value) whatever server or mode produced the JSON. Its error
text is what a re-ask shows the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from schemas.extracted import Status
from schemas.form import FieldSpec, Form

T = TypeVar("T")


class QuoteDraft(BaseModel):
    model_config = ConfigDict(extra="ignore")

    quote: str
    page: int | None = None


class FieldDraft(BaseModel, Generic[T]):
    model_config = ConfigDict(extra="forbid")

    value: T | None
    status: Status
    evidence: list[QuoteDraft] = Field(default_factory=list)

    @model_validator(mode="after")
    def _status_matches_value(self) -> FieldDraft[T]:
        if self.status is Status.reported and self.value is None:
            raise ValueError("status is 'reported' but value is null (use 'not_reported')")
        if self.status is not Status.reported and self.value not in (None, []):
            raise ValueError(f"status is '{self.status.value}' but a value is given")
        return self


def draft_model(form: Form, specs: Sequence[FieldSpec]) -> type[BaseModel]:
    """A pydantic model of the draft for `specs` (build once per group, reuse)."""
    fields: dict[str, Any] = {
        s.name: (FieldDraft[form.model.model_fields[s.name].annotation], ...)  # type: ignore[name-defined]
        for s in specs
    }
    return create_model(
        f"{form.model.__name__}Draft", __config__=ConfigDict(extra="forbid"), **fields
    )


def validate_draft(model: type[BaseModel], data: dict[str, Any]) -> dict[str, FieldDraft[Any]]:
    """The validated draft per field name; raises `ValidationError`."""
    parsed = model.model_validate(data)
    return {name: getattr(parsed, name) for name in type(parsed).model_fields}


def describe_errors(exc: ValidationError, limit: int = 12) -> str:
    """Validation errors as short lines a model can act on."""
    lines = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "(root)"
        got = err.get("input")
        shown = repr(got)[:60] if not isinstance(got, dict | list) else type(got).__name__
        lines.append(f"- {where}: {err['msg']} (got {shown})")
    more = len(exc.errors()) - limit
    if more > 0:
        lines.append(f"- ... and {more} more")
    return "\n".join(lines)
