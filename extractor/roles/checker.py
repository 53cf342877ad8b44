"""The role checks of one paper's records: each value located, each occurrence tested for
arm, outcome, timepoint, pairs, group size and effect.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from extractor.document import Document
from extractor.locate import Locator, Occurrence
from extractor.roles.arms import (
    Arms,
)
from extractor.roles.codes import (
    ARM_OF_ROLE,
    OTHER,
    SIBLING,
    Passed,
    RoleCode,
    RoleResult,
    where_printed,
)
from extractor.roles.effects import check_effects
from extractor.roles.outcome import OutcomeBinding
from extractor.roles.pairs import Pairs
from extractor.roles.placement import Placement
from extractor.roles.rivals import Rivals
from extractor.roles.sizes import (
    COUNT_AFTER_ARM,
    COUNT_BEFORE_ARM,
    EACH_GROUP,
    GROUPS_BEFORE,
    SIZE,
    counted_share,
    size_of,
    sizes_follow_events,
)
from extractor.roles.timepoints import (
    time_labels,
)
from extractor.terms import (
    abbreviations,
    durations,
)
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
        placement = Placement(arms, self.locator)
        context = _Context(
            self,
            arms,
            outcome,
            by_role,
            placement,
            Pairs(by_role, placement, self.locator),
            Rivals(placement, outcome, self.time_labels, self.locator),
        )
        results = {roles.fields[role]: context.judge(role) for role in by_role}
        check_effects(roles, by_role, results)
        sizes_follow_events(roles, by_role, results)
        return results


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass
class _Context:
    checker: RoleChecker
    arms: Arms
    outcome: OutcomeBinding
    values: dict[str, float]
    placement: Placement
    pairs: Pairs
    rivals: Rivals
    _analysed_sizes: dict[str, set[float]] = field(default_factory=dict)

    def arm_sizes(self) -> dict[str, set[float]]:
        """Group sizes the paper prints for each arm ("Group H1 (n = 49)")."""
        sizes: dict[str, set[float]] = {"intervention": set(), "comparator": set()}
        seen: set[str] = set()
        for unit in self.checker.locator.units:
            for text in (unit.header, unit.text if unit.kind == "text" else ""):
                if not text or text in seen:
                    continue
                seen.add(text)
                if unit.kind == "text":
                    for arm, size in self._sizes_in_words(text):
                        sizes[arm].add(size)
                matches = list(SIZE.finditer(text))
                in_order = self._sizes_in_order(text, matches)
                for arm, size in in_order.items():
                    sizes[arm].add(size)
                for match in matches if not in_order else []:
                    # "n = 19 patients in each group", "divided into two groups (n = 10)"
                    if EACH_GROUP.match(text, match.end()) or GROUPS_BEFORE.search(
                        text[max(0, match.start() - 40) : match.start()]
                    ):
                        for arm in sizes:
                            sizes[arm].add(size_of(match))
                        continue
                    # "Group H1 (n = 49)", "fluoxetine, n = 112": the arm right before it,
                    # with no other number between (that would be another group's label).
                    before = text[max(0, match.start() - 30) : match.start()]
                    # ... with no number between; and only one arm named there ("placebo
                    # corresponding to aripiprazole (n = 45)": whose it is is not said).
                    mentions = self.arms.mentions(before)
                    digits = [
                        d.start()
                        for d in re.finditer(r"\d", before)
                        if not any(m[0] <= d.start() < m[1] for m in mentions)  # "Group H1"
                    ]
                    named = {m[2] for m in mentions if m[0] > max(digits, default=-1)}
                    if len(named) == 1:
                        sizes[named.pop()].add(size_of(match))
        return sizes

    @cached_property
    def column_sizes(self) -> dict[str, set[float]]:
        """Sizes in the arm's own column headers ("Intervention 12 m (n = 592) mean (95%
        CI)"): the numbers analysed at that column's time or in its subgroup. Evidence for a
        size, never against one (an arm's two periods' columns add up to its size)."""
        sizes: dict[str, set[float]] = {"intervention": set(), "comparator": set()}
        wanted = durations(self.outcome.text)
        # every row of a table repeats its column headers: each header read once
        headers = dict.fromkeys(
            h for unit in self.checker.locator.units for h in unit.column_headers
        )
        for header in headers:
            found = list(SIZE.finditer(header))
            arm = self.arms.arm_of(header) if len(found) == 1 else None
            when = durations(header)
            # not a size at a time other than the one the target names
            if arm is not None and not (wanted and when and not wanted & when):
                sizes[arm].add(size_of(found[0]))
        return sizes

    def _sizes_in_words(self, text: str) -> list[tuple[str, float]]:
        """Sizes a sentence defines in words: "the cooling group consisted of 19 patients"
        (the one arm named right before, no number between), "22 patients were treated
        with TPLU" (the one arm named right after, before any other number)."""
        out = []
        for match in COUNT_AFTER_ARM.finditer(text):
            before = text[max(0, match.start() - 40) : match.start()]
            before = before[max((d.end() for d in re.finditer(r"\d", before)), default=0) :]
            named = {m[2] for m in self.arms.mentions(before)}
            if len(named) == 1:
                out.append((named.pop(), float(match.group("n").replace(",", ""))))
        for match in COUNT_BEFORE_ARM.finditer(text):
            after = text[match.end() : match.end() + 50]
            after = re.split(r"\d", after, maxsplit=1)[0]
            named = {m[2] for m in self.arms.mentions(after)}
            if len(named) == 1:
                out.append((named.pop(), float(match.group("n").replace(",", ""))))
        return out

    def _sizes_in_order(self, text: str, matches: list[re.Match[str]]) -> dict[str, float]:
        """ "Intervention group Control group P (n = 60) (n = 61)": two sizes side by side,
        after the two arms named in that order, are theirs in that order."""
        if len(matches) != 2:
            return {}
        a, b = matches
        if re.search(r"[A-Za-z0-9]", text[a.end() : b.start()]):
            return {}  # not side by side
        named = [m[2] for m in self.arms.mentions(text[: a.start()])]
        order = [arm for i, arm in enumerate(named) if i == 0 or named[i - 1] != arm]
        if len(order) < 2 or order[-1] == order[-2]:
            return {}
        return {order[-2]: size_of(a), order[-1]: size_of(b)}

    def judge(self, role: str) -> RoleResult:
        value = self.values[role]
        arm = ARM_OF_ROLE[role]
        result = RoleResult(occurrences=self.checker.locator.find(value))
        if role in ("sd1i", "sd2i"):
            result.occurrences += self.pairs.sd_as_se(role)
        sizes = self._size_checks(role, arm, result.occurrences) if role in ("n1i", "n2i") else []
        if not result.occurrences and sizes:  # printed only in a header: "Aspirin (n = 60)"
            _, passed, failed, _ = sizes[0]
            result.passed = list(dict.fromkeys(passed))
            result.findings = [Finding(code=c, message=m) for c, m in dict(failed).items()]
            self._confirm(role, result)
            return result
        if not result.occurrences:
            result.findings.append(
                Finding(code=RoleCode.not_printed, message=f"{value:g} is not printed in the paper")
            )
            return result
        scored = []
        binary = "ai" in self.values or "ci" in self.values
        for occ in result.occurrences:
            if not _fits(role, occ) or (binary and counted_share(role, occ)):
                continue
            if _sign_clash(value, occ):
                continue
            passed, failed = self._checks(role, arm, occ)
            scored.append((len(passed) - 2 * len(failed), passed, failed, occ))
        # The sizes the paper prints for the arm outrank a number found elsewhere.
        scored = sizes if sizes and sizes[0][2] else scored + sizes
        if not scored:
            result.findings.append(
                Finding(
                    code=RoleCode.role_unconfirmed,
                    message=f"{value:g} is printed, but never where a value of its kind stands",
                )
            )
            return result
        scored.sort(key=lambda s: -s[0])
        _, passed, failed, occ = scored[0]  # occ is None for a size read from a header
        result.where = occ
        result.passed = list(dict.fromkeys(passed))
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
        if role not in ("n1i", "n2i"):
            if self.outcome.bound(unit, self.placement.column_header(occ)):
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
        elif isinstance(pair, str):
            failed.append((RoleCode.pair_mismatch, pair))
        sibling = SIBLING.get(role)
        if sibling in self.values and self.pairs.beside(sibling, OTHER[arm], occ):
            passed.append(Passed.both_arms)
        return passed, failed

    def _size_checks(
        self, role: str, arm: str, occurrences: list[Occurrence]
    ) -> list[tuple[int, list[str], list[tuple[str, str]], Occurrence | None]]:
        sizes = self.arm_sizes()
        value = self.values[role]
        events = "ai" if role == "n1i" else "ci"
        passed: list[str] = []
        failed: list[tuple[str, str]] = []
        columns = self.column_sizes
        if value in sizes[arm] or (value in columns[arm] and value not in columns[OTHER[arm]]):
            passed += [Passed.arm, Passed.group_size]
        elif sizes[arm] and value in sizes[OTHER[arm]]:
            failed.append(
                (RoleCode.arm_mismatch, f"the paper gives {value:g} as the {OTHER[arm]} arm's size")
            )
        elif sizes[arm]:
            shown = ", ".join(f"{s:g}" for s in sorted(sizes[arm]))
            failed.append(
                (RoleCode.group_size_mismatch, f"the paper gives the {arm} arm n = {shown}")
            )
        if events in self.values:
            for occ in self.checker.locator.find(self.values[events]):
                if occ.position == 0 and self.pairs.agrees(events, occ) is True:
                    passed.append(Passed.pair)
                    if self.placement.arm_at(occ) == arm:  # "11 (22 %)" under the arm: N is its N
                        passed.append(Passed.arm)
                        if self._analysed(occ):
                            # "79/101" in the outcome's row: the number analysed for this
                            # outcome, whatever the baseline table gave the arm. The
                            # events may be printed first in a row that names the outcome
                            # less well: the sentence after it may be the outcome's.
                            passed.append(Passed.group_size)
                            failed = []
                            break
        analysed = self.analysed_sizes(arm)
        if analysed and value not in analysed:
            # The outcome's own rows print the arm's events out of another number: this
            # size is the arm's for another outcome or population (a safety population).
            shown = ", ".join(f"{n:g}" for n in sorted(analysed))
            passed = [p for p in passed if p != Passed.group_size]
            failed = [
                (
                    RoleCode.group_size_mismatch,
                    f"the outcome's rows print the {arm} arm's events out of {shown}",
                )
            ]
        if not passed and not failed:
            return []
        return [(len(passed) - 2 * len(failed), passed, failed, None)]

    def analysed_sizes(self, arm: str) -> set[float]:
        """The numbers the outcome's rows print the arm's events out of ("62/99")."""
        if arm not in self._analysed_sizes:
            found: set[float] = set()
            for unit in self.checker.locator.units:
                if unit.kind == "text" and _CITATION.search(unit.text):
                    continue  # "doi:10.1186/1472-6920": no events out of a group
                for g, group in enumerate(unit.groups):
                    if group.pair not in ("slash", "of") or group.second is None:
                        continue
                    if not 0 <= group.head.value <= group.second.value:
                        continue
                    occ = Occurrence(unit, g, 0)
                    if self.placement.arm_at(occ) == arm and self._analysed(occ):
                        found.add(group.second.value)
            self._analysed_sizes[arm] = found
        return self._analysed_sizes[arm]

    def _analysed(self, occ: Occurrence) -> bool:
        """Whether events printed out of their N ("79/101") stand in the outcome's row."""
        pair = occ.value_group.pair in ("slash", "of") and occ.value_group.second is not None
        return pair and self.outcome.bound(occ.unit, self.placement.column_header(occ))


# A reference or a link: its slashes and numbers are no data.
_CITATION = re.compile(r"\bdoi\b|https?://|www\.|\bet al\b", re.IGNORECASE)


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


def _sign_clash(value: float, occ: Occurrence) -> bool:
    """A table cell printing a minus ("−0.2") is no place of a positive value (0.2): the
    locator ignores signs for sentences ("decreased by 0.3" is −0.3), but a cell prints its
    sign. A negative value in a cell without one may be a "reduction" column's: kept."""
    return occ.unit.kind != "text" and value > 0 and occ.number.value < 0


def _fits(role: str, occ: Occurrence) -> bool:
    """Whether a number stands where a value of this role can: SDs are paired numbers."""
    group = occ.value_group
    if role in ("sd1i", "sd2i"):
        return occ.position == 1 and group.pair in ("pm", "paren") and len(group.numbers) == 2
    if role in ("ai", "ci", "m1i", "m2i"):
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
