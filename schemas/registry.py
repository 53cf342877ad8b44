"""Find a form by built-in name or by the path of a custom YAML form."""

from __future__ import annotations

from pathlib import Path

import schemas.fm_imaging as fm_imaging
import schemas.rct_outcomes as rct_outcomes
from schemas.custom import load_yaml_form
from schemas.errors import FormError
from schemas.form import Form

BUILTIN_FORMS: dict[str, Form] = {
    fm_imaging.FORM.name: fm_imaging.FORM,
    rct_outcomes.FORM.name: rct_outcomes.FORM,
}


def load_form(name_or_path: str | Path) -> Form:
    key = str(name_or_path)
    if key in BUILTIN_FORMS:
        return BUILTIN_FORMS[key]
    path = Path(key)
    if path.suffix.lower() in (".yaml", ".yml"):
        return load_yaml_form(path)
    known = ", ".join(sorted(BUILTIN_FORMS))
    raise FormError(f"{key}: unknown form (built-in forms: {known}; or give a FORM.yaml path)")
