"""Group-size checks: is a record's n1i or n2i the size the paper gives the arm?

Papers print an arm's size in many places: "Group H1 (n = 49)", "the cooling group
consisted of 19 patients", "Intervention group Control group (n = 60) (n = 61)", a column
header "Intervention 12 m (n = 592)", and the N the outcome's events are printed out of
("79/101"). The last one wins: the number analysed for this outcome, whatever the baseline
table gave the arm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from extractor.locate import Locator, Occurrence
from extractor.roles.arms import Arms
from extractor.roles.codes import OTHER, Passed, RoleCode, Scored
from extractor.roles.outcome import OutcomeBinding
from extractor.roles.pairs import Pairs, events_position
from extractor.roles.placement import Placement
from extractor.roles.sizes import (
    COUNT_AFTER_ARM,
    COUNT_BEFORE_ARM,
    EACH_GROUP,
    GROUPS_BEFORE,
    SIZE,
    size_of,
)
from extractor.terms import durations

# A reference or a link: its slashes and numbers are no data.
_CITATION = re.compile(r"\bdoi\b|https?://|www\.|\bet al\b", re.IGNORECASE)


@dataclass
class GroupSizes:
    """The sizes one target's arms are given in the paper, and the check of a record's."""

    values: dict[str, float]
    placement: Placement
    outcome: OutcomeBinding
    pairs: Pairs
    locator: Locator
    _analysed_sizes: dict[str, set[float]] = field(default_factory=dict)

    @property
    def arms(self) -> Arms:
        return self.placement.arms

    def check(self, role: str, arm: str) -> Scored | None:
        """The group size `role` (n1i, n2i) against the sizes the paper gives the arm, and
        the N its events are printed out of; None when the paper says nothing of it."""
        sizes = self.arm_sizes()
        value = self.values[role]
        events = "ai" if role == "n1i" else "ci"
        passed: list[str] = []
        failed: list[tuple[str, str]] = []
        columns = self.column_sizes
        if value in sizes[arm] or value in columns[arm]:
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
            for occ in self.locator.find(self.values[events]):
                if occ.position != events_position(occ.value_group):
                    continue
                if self.pairs.agrees(events, occ) is not True:
                    continue
                # events of another outcome's row ("17/23" of a subgroup) confirm no N
                header = self.placement.column_header(occ)
                if not self.outcome.bound(occ.unit, header, occ.value_group):
                    continue
                passed.append(Passed.pair)
                if self.placement.arm_at(occ) == arm:  # "11 (22 %)" under the arm: N is its N
                    passed.append(Passed.arm)
                    if _out_of_n(occ):
                        # "79/101" in the outcome's row: the number analysed for this
                        # outcome, whatever the baseline table gave the arm.
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
            return None
        return Scored(len(passed) - 2 * len(failed), passed, failed, None)

    def arm_sizes(self) -> dict[str, set[float]]:
        """Group sizes the paper prints for each arm ("Group H1 (n = 49)")."""
        sizes: dict[str, set[float]] = {"intervention": set(), "comparator": set()}
        seen: set[str] = set()
        for unit in self.locator.units:
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
                    # ("Control group patients evaluated n = 28": 40 characters, less
                    # the word the cut leaves half)
                    before = text[max(0, match.start() - 40) : match.start()]
                    if match.start() > 40:
                        before = before.split(" ", 1)[-1]
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
        headers = dict.fromkeys(h for unit in self.locator.units for h in unit.column_headers)
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

    def analysed_sizes(self, arm: str) -> set[float]:
        """The numbers the outcome's rows print the arm's events out of ("62/99")."""
        if arm not in self._analysed_sizes:  # asked for each size of the arm: read once
            found: set[float] = set()
            for unit in self.locator.units:
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
        header = self.placement.column_header(occ)
        return _out_of_n(occ) and self.outcome.bound(occ.unit, header, occ.value_group)


def _out_of_n(occ: Occurrence) -> bool:
    """Events printed out of their N ("79/101", "79 of 101")."""
    group = occ.value_group
    return group.pair in ("slash", "of") and group.second is not None
