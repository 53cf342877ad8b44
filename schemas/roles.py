"""Which form fields make an effect size: the form declares it, synthesis never guesses.

A form opts in with a class attribute on its value model, mapping metafor's escalc
argument names to its own field names (see `schemas/rct_outcomes.py`):

    effect_roles: ClassVar[dict[str, str]] = {"ai": "intervention_events", ...}

Roles: `ai`/`n1i`, `ci`/`n2i` (events and group sizes of arm 1 and arm 2) for binary
outcomes; `m1i`/`sd1i`/`n1i`, `m2i`/`sd2i`/`n2i` for continuous ones; optional
`outcome_type` (a field whose value is "binary" or "continuous"), the printed-form roles
(`PRINTED_ROLES`) and `study_id`. A YAML form declares the same mapping under
`effect_roles:` (schemas/custom.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.form import Form

BINARY_ROLES = ("ai", "n1i", "ci", "n2i")
CONTINUOUS_ROLES = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
# The printed form, from which synthesis derives the roles above (schemas/derive.py), per
# arm 1/2: a median, how the spread is printed (SD | SE | 95% CI | IQR | range), a
# standard error, the ends of a printed CI, IQR or range, events as a percentage of N;
# per target: a mean difference with its 95% CI; and the trial it reports (`study_id`:
# a registration number, so that several reports of one trial count once).
PRINTED_ROLES = (
    "med1i", "med2i", "spread1i", "spread2i", "se1i", "se2i", "lo1i", "hi1i", "lo2i",
    "hi2i", "pct1i", "pct2i", "md", "md_lo", "md_hi",
)  # fmt: skip
KNOWN_ROLES = frozenset(
    {"outcome_type", "study_id", *BINARY_ROLES, *CONTINUOUS_ROLES, *PRINTED_ROLES}
)


@dataclass(frozen=True)
class EffectRoles:
    """role -> field name, as the form declares it."""

    fields: dict[str, str]

    def field(self, role: str) -> str | None:
        return self.fields.get(role)

    @property
    def binary(self) -> bool:
        return all(r in self.fields for r in BINARY_ROLES)

    @property
    def continuous(self) -> bool:
        return all(r in self.fields for r in CONTINUOUS_ROLES)

    def number_fields(self, kind: str) -> list[str]:
        roles = BINARY_ROLES if kind == "binary" else CONTINUOUS_ROLES
        return [self.fields[r] for r in roles if r in self.fields]


def effect_roles(form: Form) -> EffectRoles | None:
    """The form's declared roles, or None when the form declares none (descriptive only)."""
    declared = getattr(form.model, "effect_roles", None)
    if not isinstance(declared, dict) or not declared:
        return None
    unknown = sorted(set(declared) - KNOWN_ROLES)
    if unknown:
        raise ValueError(f"form {form.name}: unknown effect roles {', '.join(unknown)}")
    missing = sorted(f for f in declared.values() if f not in form.field_names)
    if missing:
        raise ValueError(f"form {form.name}: effect roles name unknown fields {', '.join(missing)}")
    roles = EffectRoles(dict(declared))
    if not (roles.binary or roles.continuous):
        raise ValueError(f"form {form.name}: effect roles cover neither binary nor continuous")
    return roles
