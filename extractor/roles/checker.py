"""The role checks of one paper's records: each value located, each occurrence tested for
arm, outcome, timepoint, pairs, group size and effect.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from extractor.document import Document
from extractor.locate import Locator, Occurrence
from extractor.roles.arms import Arms
from extractor.roles.codes import (
    ARM_OF_ROLE,
    OTHER,
    SIBLING,
    Passed,
    RoleCode,
    RoleResult,
    Scored,
    where_printed,
)
from extractor.roles.effects import check_effects
from extractor.roles.outcome import OutcomeBinding
from extractor.roles.pairs import Pairs, ci_bounds, events_position, share_first
from extractor.roles.placement import Placement
from extractor.roles.rivals import Rivals
from extractor.roles.size_checks import GroupSizes
from extractor.roles.sizes import counted_share, sizes_follow_events
from extractor.roles.timepoints import time_labels
from extractor.terms import abbreviations
from schemas.extracted import Extracted, Finding
from schemas.form import Form
from schemas.roles import EffectRoles, effect_roles


class RoleChecker:
    """Role checks of the records of one paper (the locator and labels are built once)."""

    def __init__(self, document: Document, locator: Locator | None = None) -> None:
        self.document = document
        self.locator = locator or Locator(document)
        self._abbreviations = abbreviations([document.text])
        self.time_labels = time_labels(document.text)

    def check(
        self, roles: EffectRoles, values: Mapping[str, Any], target: Mapping[str, str]
    ) -> dict[str, RoleResult]:
        """Role results per field name, for the numeric role fields that hold a value."""
        arms = Arms(target.get("intervention", ""), target.get("comparator", ""), self.document)
        outcome = OutcomeBinding.of_target(
            target.get("outcome", ""), self._abbreviations, arms, self.locator
        )
        by_role: dict[str, float] = {}
        for role, name in roles.fields.items():
            value = values.get(name)
            # The pooled inputs only: a printed-form number (a median, an SE, a percentage)
            # is checked by its quote, and the numbers derived from it by their formula.
            if role in ARM_OF_ROLE and _is_number(value):
                by_role[role] = float(value)
        # The parts of the checks, built once per target: each caches what it reads of the
        # paper for this target's arms and outcome (the best row, the analysed sizes).
        placement = Placement(arms, self.locator)
        pairs = Pairs(by_role, placement, self.locator)
        judge = _Judge(
            self.locator,
            by_role,
            placement,
            outcome,
            pairs,
            Rivals(placement, outcome, self.time_labels, self.locator),
            GroupSizes(by_role, placement, outcome, pairs, self.locator),
        )
        results = {roles.fields[role]: judge.judge(role) for role in by_role}
        check_effects(roles, by_role, results)
        sizes_follow_events(roles, by_role, results)
        return results


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass
class _Judge:
    """Judges each value of one target by its best place in the paper: every occurrence
    is put through the checks of its arm, outcome, timepoint and pair, a group size also
    through the sizes the paper gives the arm, and the place that passes most is taken."""

    locator: Locator
    values: dict[str, float]
    placement: Placement
    outcome: OutcomeBinding
    pairs: Pairs
    rivals: Rivals
    sizes: GroupSizes

    def judge(self, role: str) -> RoleResult:
        """The role result of one value: its failed checks as findings, the passed ones
        kept, judged by the occurrence (or the printed size) that passes most."""
        value = self.values[role]
        arm = ARM_OF_ROLE[role]
        result = RoleResult(occurrences=self.locator.find(value))
        if role in ("sd1i", "sd2i"):  # an SD given as an SE or a 95% CI
            result.occurrences += self.pairs.sd_as_se(role) + self.pairs.sd_from_interval(role)
        if role in ("ai", "ci"):  # events given only as their share of the arm
            result.occurrences += self.pairs.events_from_share(role)
        size = self.sizes.check(role, arm) if role in ("n1i", "n2i") else None
        if not result.occurrences and size is not None:
            # printed only in a header: "Aspirin (n = 60)"
            _, passed, failed, _ = size
            result.passed = list(dict.fromkeys(passed))
            result.findings = [Finding(code=c, message=m) for c, m in dict(failed).items()]
            self._confirm(role, result)
            return result
        if not result.occurrences:
            result.findings.append(
                Finding(code=RoleCode.not_printed, message=f"{value:g} is not printed in the paper")
            )
            return result
        scored: list[Scored] = []
        binary = "ai" in self.values or "ci" in self.values
        for occ in result.occurrences:
            if not _fits(role, occ) or (binary and counted_share(role, occ)):
                continue
            if _sign_clash(value, occ):
                continue
            passed, failed = self._checks(role, arm, occ)
            scored.append(Scored(len(passed) - 2 * len(failed), passed, failed, occ))
        # The sizes the paper prints for the arm outrank a number found elsewhere.
        if size is not None:
            scored = [size] if size.failed else [*scored, size]
        if not scored:
            result.findings.append(
                Finding(
                    code=RoleCode.role_unconfirmed,
                    message=f"{value:g} is printed, but never where a value of its kind stands",
                )
            )
            return result
        scored.sort(key=lambda s: -s.score)
        _, passed, failed, occ = scored[0]  # occ is None for a size read from a header
        result.where = occ
        result.passed = list(dict.fromkeys(passed))
        derived = self.pairs.derivation(role, occ) if occ and Passed.derived in passed else None
        result.derivation = derived.describe() if derived else ""
        result.findings = [Finding(code=c, message=m) for c, m in dict(failed).items()]
        self._confirm(role, result)
        return result

    def _confirm(self, role: str, result: RoleResult) -> None:
        """A value no check failed is still unconfirmed while a check it needs is missing
        (a size that only agrees with a percentage has no arm)."""
        missing = _unconfirmed(role, set(result.passed))
        if not result.findings and missing:
            result.findings.append(
                Finding(
                    code=RoleCode.role_unconfirmed,
                    message=f"{'printed in the paper, but ' if result.occurrences else ''}"
                    f"not confirmed in its role ({missing} not shown); passed: "
                    f"{', '.join(result.passed) or 'none'}",
                )
            )

    def _checks(
        self, role: str, arm: str, occ: Occurrence
    ) -> tuple[list[str], list[tuple[str, str]]]:
        passed: list[str] = []
        failed: list[tuple[str, str]] = []
        unit = occ.unit
        where = where_printed(unit)
        found_arm = self.placement.arm_at(occ)
        if found_arm == arm:
            passed.append(Passed.arm)
        elif found_arm is not None:
            failed.append((RoleCode.arm_mismatch, f"{where} puts it under the {found_arm} arm"))
        else:
            failed.append((RoleCode.arm_unbound, f"{where} does not say which arm it is"))
        if role in ("n1i", "n2i"):
            # "17/23" in a table row of another outcome or subgroup: the N analysed for
            # it (a sentence's "86/125 vs 78/133" gives the arms' whole N more often)
            if (
                unit.kind == "table"
                and _events_size(occ)
                and not self.outcome.bound(unit, self.placement.column_header(occ), occ.value_group)
            ):
                failed.append(
                    (
                        RoleCode.outcome_unbound,
                        f"{where} prints it as the N of events of an outcome it does not "
                        "name as well as another place does",
                    )
                )
        else:
            if self.outcome.bound(unit, self.placement.column_header(occ), occ.value_group):
                passed.append(Passed.outcome)
                ambiguous = ""
                if found_arm == arm:  # another column of the same arm: which one is it?
                    ambiguous = self.rivals.find(occ, arm)
                if ambiguous:
                    failed.append((RoleCode.timepoint_ambiguous, ambiguous))
                else:
                    passed.append(Passed.timepoint)
            else:
                failed.append(
                    (
                        RoleCode.outcome_unbound,
                        f"{where} does not name the outcome as well as another place does",
                    )
                )
        pair = self.pairs.agrees(role, occ)
        if pair is True:
            passed.append(Passed.pair)
            if abs(occ.number.value - self.values[role]) > 1e-9:
                passed.append(Passed.derived)  # from an SE, a CI or a share at that place
        elif isinstance(pair, str):
            failed.append((RoleCode.pair_mismatch, pair))
        sibling = SIBLING.get(role)
        if sibling in self.values and self.pairs.beside(sibling, OTHER[arm], occ):
            passed.append(Passed.both_arms)
        return passed, failed


def _unconfirmed(role: str, passed: set[str]) -> str:
    """What a value still lacks to be verified ("" when nothing): its arm, its outcome, and
    a structure (its pair agrees, or the other arm's value stands beside it) or, for a group
    size, the size the paper gives the arm."""
    lacking = [Passed.arm] if Passed.arm not in passed else []
    if role in ("n1i", "n2i"):
        structure = {Passed.group_size, Passed.pair, Passed.both_arms}
    else:
        lacking += [Passed.outcome] if Passed.outcome not in passed else []
        structure = {Passed.pair, Passed.both_arms, Passed.effect}
    if not passed & structure:
        lacking.append(" or ".join(sorted(structure)))
    return ", ".join(lacking)


def _events_size(occ: Occurrence) -> bool:
    """Whether a number stands as the N events are printed out of ("17/23", "87% (26/30)")."""
    group = occ.value_group
    if group.pair in ("slash", "of"):
        return occ.position == 1
    return occ.position == 2 and share_first(group)


def _sign_clash(value: float, occ: Occurrence) -> bool:
    """A table cell printing a minus ("−0.2") is no place of a positive value (0.2): the
    locator ignores signs for sentences ("decreased by 0.3" is −0.3), but a cell prints its
    sign. A negative value in a cell without one may be a "reduction" column's: kept."""
    return occ.unit.kind != "text" and value > 0 and occ.number.value < 0


def _fits(role: str, occ: Occurrence) -> bool:
    """Whether a number stands where a value of this role can: SDs are paired numbers."""
    group = occ.value_group
    if role in ("sd1i", "sd2i"):  # "12.3 ± 4.5", "12.3 (4.5)", or a CI "12.3 (10.1, 14.5)"
        bounds = ci_bounds(group)
        if bounds is not None:
            return occ.position == bounds[0]
        return occ.position == 1 and group.pair in ("pm", "paren") and len(group.numbers) == 2
    if role in ("ai", "ci"):
        return occ.position == events_position(group)
    if role in ("m1i", "m2i"):
        return occ.position == 0
    return True


def check_roles(
    form: Form,
    record: Mapping[str, Extracted[Any]],
    document: Document,
    target: Mapping[str, str] | None,
    checker: RoleChecker | None = None,
) -> dict[str, RoleResult]:
    """Role results of a record's numeric role fields; {} for forms without effect roles."""
    roles = effect_roles(form)
    if roles is None or not target:
        return {}
    checker = checker or RoleChecker(document)
    values = {name: extracted.value for name, extracted in record.items()}
    return checker.check(roles, values, target)
