"""Audit settings: the form gives tolerances and aliases; a small YAML file may override them.

Example `--settings audit.yaml`::

    numeric_text: parse          # "1,525" in a number field is 1525 (or `keep`: text, as typed)
    bootstrap: {resamples: 2000, seed: 7}
    align_threshold: 0.6         # list-of-object items pair up at this similarity or above
    fields:
      intervention_mean: {tolerance_abs: 0, tolerance_rel: 0}
      model_name: {aliases: {"sam med 3d": "SAM-Med3D"}}
      results.value: {tolerance_rel: 0.01}
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas.errors import InputError
from schemas.form import FieldSpec, Form
from schemas.values import NumericText


class FieldOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tolerance_abs: float | None = None
    tolerance_rel: float | None = None
    aliases: dict[str, str] | None = None
    align_on: list[str] | None = None


class BootstrapSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resamples: int = Field(default=1000, ge=100)
    seed: int = 0
    level: float = Field(default=0.95, gt=0, lt=1)


class AuditSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    numeric_text: NumericText = "parse"
    align_threshold: float = Field(default=0.6, ge=0, le=1)
    bootstrap: BootstrapSettings = Field(default_factory=BootstrapSettings)
    fields: dict[str, FieldOverride] = Field(default_factory=dict)
    # Default relative tolerance for `number` fields the form leaves without one.
    default_number_tolerance_rel: float = 0.02


PRESETS = Path(__file__).resolve().parent / "presets"


def load_settings(path: str | Path | None) -> AuditSettings:
    """Settings from a YAML file, or from a shipped preset by name (e.g. `yun2024_scorer`)."""
    if path is None:
        return AuditSettings()
    preset = PRESETS / f"{path}.yaml"
    if not Path(path).exists() and preset.is_file():
        path = preset
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return AuditSettings.model_validate(raw)
    except OSError as exc:
        raise InputError(path, f"cannot read settings ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML ({str(exc).splitlines()[0]})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(path, f"{where}: {err['msg']}") from None


def _apply(spec: FieldSpec, override: FieldOverride | None) -> FieldSpec:
    if override is None:
        return spec
    changes: dict[str, Any] = {}
    for name in ("tolerance_abs", "tolerance_rel"):
        if getattr(override, name) is not None:
            changes[name] = getattr(override, name)
    if override.aliases is not None:
        changes["aliases"] = {**spec.aliases, **override.aliases}
    if override.align_on is not None:
        changes["align_on"] = tuple(override.align_on)
    return replace(spec, **changes)


def effective_fields(form: Form, settings: AuditSettings, source: str = "") -> list[FieldSpec]:
    """The form's field specs with the settings' overrides applied (`a.b` names a sub-field)."""
    known = {s.name for s in form.fields} | {
        f"{s.name}.{i.name}" for s in form.fields for i in s.item_fields
    }
    unknown = sorted(set(settings.fields) - known)
    if unknown:
        raise InputError(source or "settings", f"fields: unknown field(s) {', '.join(unknown)}")
    out = []
    for spec in form.fields:
        spec = _apply(spec, settings.fields.get(spec.name))
        if spec.item_fields:
            items = tuple(
                _apply(i, settings.fields.get(f"{spec.name}.{i.name}")) for i in spec.item_fields
            )
            spec = replace(spec, item_fields=items)
        out.append(spec)
    return out
