"""Finding codes of the role checks, their results per value, and the score the agent
compares answers by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from extractor.locate import Occurrence, Unit
from schemas.extracted import Extracted, Finding


class RoleCode:
    """Finding codes of failed role checks (stable: exports and the app filter on them)."""

    not_printed = "not_printed"
    arm_mismatch = "arm_mismatch"
    arm_unbound = "arm_unbound"
    outcome_unbound = "outcome_unbound"
    timepoint_ambiguous = "timepoint_ambiguous"
    pair_mismatch = "pair_mismatch"
    group_size_mismatch = "group_size_mismatch"
    effect_mismatch = "effect_mismatch"
    role_unconfirmed = "role_unconfirmed"


class Passed:
    """Codes of passed role checks, kept on the value as `checks_passed`."""

    arm = "arm_bound"
    outcome = "outcome_bound"
    timepoint = "timepoint_single"
    pair = "pair_agrees"
    both_arms = "both_arms_together"
    group_size = "group_size_agrees"
    effect = "effect_reproduced"
    # a value not printed as such but derived, with the arm's n, from what is: an SD from a
    # standard error or a 95% CI (Cochrane Handbook 6.5.2.2), events from their share
    # when the share gives one count only; the reviewer sees it was derived
    derived = "derived"


ROLE_FAILURES = frozenset(
    v for k, v in vars(RoleCode).items() if not k.startswith("_") and isinstance(v, str)
)


ROLE_PASSES = frozenset(
    v for k, v in vars(Passed).items() if not k.startswith("_") and isinstance(v, str)
)


ARM_OF_ROLE = {
    "ai": "intervention", "n1i": "intervention", "m1i": "intervention", "sd1i": "intervention",
    "ci": "comparator", "n2i": "comparator", "m2i": "comparator", "sd2i": "comparator",
}  # fmt: skip


OTHER = {"intervention": "comparator", "comparator": "intervention"}


SIBLING = {"ai": "ci", "ci": "ai", "m1i": "m2i", "m2i": "m1i", "sd1i": "sd2i", "sd2i": "sd1i",
           "n1i": "n2i", "n2i": "n1i"}  # fmt: skip


@dataclass
class RoleResult:
    """What the role checks found for one value."""

    passed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    where: Occurrence | None = None  # the occurrence the value is judged by
    derivation: str = ""  # how the value follows from what is printed there, if derived
    occurrences: list[Occurrence] = field(default_factory=list)


class Scored(NamedTuple):
    """One place a value may be judged by, with what its checks found there."""

    score: int  # checks passed minus twice the checks failed: the best place is taken
    passed: list[str]
    failed: list[tuple[str, str]]  # (finding code, message)
    where: Occurrence | None  # None: a group size read from a header ("Aspirin (n = 60)")


@dataclass(frozen=True)
class RoleScore:
    """How many role checks one value passed and failed (compare two answers by it)."""

    passed: int
    failed: int

    def better_than(self, other: RoleScore) -> bool:
        """Strictly more checks passed, and no more failed."""
        return self.passed > other.passed and self.failed <= other.failed


def role_score(extracted: Extracted[Any]) -> RoleScore:
    """Role checks passed and failed by a checked value (0, 0 for a field without roles)."""
    passed = sum(1 for code in dict.fromkeys(extracted.checks_passed) if code in ROLE_PASSES)
    failed = sum(
        1 for code in dict.fromkeys(f.code for f in extracted.findings) if code in ROLE_FAILURES
    )
    return RoleScore(passed, failed)


def where_printed(unit: Unit) -> str:
    if unit.kind == "text":
        return "the sentence"
    label = f" {unit.label[:40]!r}" if unit.label else ""
    return f"the table row{label}"
