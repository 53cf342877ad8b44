"""Rival places: the same arm's value printed again with other numbers, in another column
of the row ("Pre-test", "Post-test") or in another row with the same label (another
timepoint, another section, another table), when the target does not say which one it is.

A baseline is no rival of a value after it, subgroups are none of the overall value, and a
later follow-up is none of the end of treatment (`timepoints.no_rival`); a target naming
its time ("at 12 weeks") picks the place that names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.locate import Locator, Occurrence, Unit, contains_term
from extractor.roles.arms import Arms, same_label
from extractor.roles.order import group_shape
from extractor.roles.outcome import OutcomeBinding
from extractor.roles.placement import Placement
from extractor.roles.sizes import SIZE
from extractor.roles.timepoints import (
    TIME_STEMS,
    WHEN_WORDS,
    is_baseline,
    is_statistic,
    names_time,
    no_rival,
)
from extractor.terms import durations, stems

# "Pre-test", "post intervention": a time prefix and its word, read as one word.
_PREFIXED = re.compile(r"\b(pre|post)[\s-]+(?=[a-z])", re.IGNORECASE)


@dataclass
class Rivals:
    """The rival places of one target's values (its arms, its outcome, the paper's time
    labels such as "T1: Pre-intervention")."""

    placement: Placement
    outcome: OutcomeBinding
    time_labels: dict[str, str]
    locator: Locator

    @property
    def arms(self) -> Arms:
        return self.placement.arms

    def find(self, occ: Occurrence, arm: str) -> str:
        """Why another place of this arm's value makes its timepoint or measure ambiguous:
        another column of the row first, then another row; "" when none does."""
        return self._other_column(occ, arm) or self._other_timepoint(occ, arm)

    def _names_only_time(self, unit: Unit) -> bool:
        """A table row whose label says when, not what ("Pre", "Postop 3rd mo")."""
        if unit.kind == "text" or not unit.label:
            return False
        arm_words = self.arms.terms["intervention"] | self.arms.terms["comparator"]
        # "Total 0-12 months" is the whole of its periods, not one of them.
        own = stems(unit.context, keep_generic=True) - arm_words - TIME_STEMS - WHEN_WORDS
        return not own and bool(durations(unit.label) or stems(unit.context))

    def _other_column(self, occ: Occurrence, arm: str) -> str:
        """The same arm again in this row under another column (another timepoint or
        measure: "Pre-test", "Post-test"), unless the target names this column's."""
        unit = occ.unit
        if unit.kind == "text":
            return ""
        mine = self.placement.column_header(occ)
        # Arms as rows ("Fluoxetine | 79/101 | 78.2 | 0.465"): every column of the row is the
        # arm's, most of them other measures of the same value; a rival names a time.
        by_row = self.arms.arm_of(mine) is None and self.placement.row_arm(unit) == arm
        for g in range(len(unit.groups)):
            if g == occ.group:
                continue
            probe = Occurrence(unit, g, 0)
            theirs = self.placement.column_header(probe)
            if theirs == mine or self.placement.arm_at(probe) != arm or self._statistic(theirs):
                continue
            if group_shape(unit.groups[g]) != group_shape(occ.value_group):
                # "172.3 (10.4) | 0.626": the same measure at another time is printed the
                # way this one is; a lone number beside a mean (SD) is a test's result
                # under a header the parser ran together with the arm's.
                continue
            if by_row and not names_time(self._timed(theirs)):
                continue
            if self._names_section(mine, theirs):
                continue
            if no_rival(self._timed(theirs), self._timed(mine)):
                continue
            shown = f" under {theirs[:60]!r}" if theirs else ""
            return f"the row prints this arm again{shown}: which timepoint or measure?"
        return ""

    def _statistic(self, header: str) -> bool:
        """A column of test results: its header, or its own part under the arm's spanning
        header ("Intervention, N = 28 | P-value"), names a statistic."""
        if is_statistic(header):
            return True
        ends = [m[1] for m in self.arms.mentions(header)]
        ends += [m.end() for m in SIZE.finditer(header)]
        return bool(ends) and is_statistic(header[max(ends) :].lstrip(" ,;:"))

    def _other_timepoint(self, occ: Occurrence, arm: str) -> str:
        """Another row with this row's label and other numbers (another timepoint), or ""."""
        unit = occ.unit
        if unit.kind == "text":
            return ""
        numbers = {n.value for g in unit.groups for n in g.numbers}
        when = f"{unit.section} {self.placement.column_header(occ)}"
        timed = self._names_only_time(unit)
        if timed or durations(unit.label):  # "Postop 3rd mo", "At 24 h": the row's time
            when = f"{unit.label} {when}"
        for other in self.locator.units:
            if other is unit or other.kind == "text" or not other.label:
                continue
            # Rows labelled by their time only ("Preop", "Postop 3rd mo") in one block of
            # a table are the same measure at other times.
            sibling = (
                timed
                and other.table == unit.table
                and other.section == unit.section
                and self._names_only_time(other)
            )
            if not sibling and not same_label(other.label, unit.label):
                continue
            if {n.value for g in other.groups for n in g.numbers} == numbers:
                continue  # the same row read twice (a parsed table and its text)
            if len(other.groups) < 2:
                continue
            if other.table != unit.table and not self.outcome.bound(other, other.header):
                continue  # "Total" in a table of another outcome: not a second timepoint
            if not any(
                self.placement.arm_at(Occurrence(other, g, 0)) == arm
                for g in range(len(other.groups))
            ):
                continue  # "Overall eco-anxiety | F 2.834 | df | p": no value of this arm
            if self._names_section(unit.section, other.section):
                continue
            # "baseline fat mass": Table 1's caption says "Baseline", the row printed again
            # in Table 2 ("changes from week 0") is not the one the target names.
            if other.table != unit.table and self._names_section(unit.caption, other.caption):
                continue
            repeat = self._repeat(other, occ, arm)
            if repeat is not None:
                # A summary table printing this arm's value again (Table 2's follow-up
                # column again in Table 3): the same time, whose rivals are the repeat's.
                why = self._other_column(repeat, arm)
                if why:
                    return why
                continue
            theirs = self._timed(f"{other.section} {self._arm_header(other, arm)}")
            if sibling or durations(other.label):
                theirs = f"{other.label} {theirs}"
            mine = when
            if other.table != unit.table:
                # Table 1 "at baseline" against Table 2 "changes from week 0": in another
                # table, the caption says which time its rows are.
                theirs, mine = f"{theirs} {other.caption}", f"{mine} {unit.caption}"
            mine = self._timed(mine)
            if not self._wants_time_of(theirs, mine) and no_rival(theirs, mine):
                continue
            if durations(self.outcome.text) & (durations(mine) - durations(theirs)):
                continue  # "nausea at 24 h": the row "At 24 h", not its "At 6 h" sibling
            shown = f" under {other.section!r}" if other.section else ""
            return (
                f"the row {other.label!r} is printed again{shown} with other numbers: "
                "which timepoint or measure?"
            )
        return ""

    def _repeat(self, other: Unit, occ: Occurrence, arm: str) -> Occurrence | None:
        """Where `other` prints this value again, in the same place of a group, for the
        same arm, or None."""
        value = occ.number.value
        for g, group in enumerate(other.groups):
            if occ.position >= len(group.numbers) or group.pair != occ.value_group.pair:
                continue
            if abs(group.numbers[occ.position].value - value) > 1e-9:
                continue
            probe = Occurrence(other, g, occ.position)
            if self.placement.arm_at(probe) == arm:
                return probe
        return None

    def _arm_header(self, unit: Unit, arm: str) -> str:
        """The column header of the first value group of `unit` under `arm` ("" if none)."""
        for g in range(len(unit.groups)):
            probe = Occurrence(unit, g, 0)
            if self.placement.arm_at(probe) == arm:
                return self.placement.column_header(probe)
        return ""

    def _timed(self, header: str) -> str:
        """A header with the meaning of the time labels the paper defines ("T1: Pre-
        intervention"): "Experimental T1" reads "Experimental T1 Pre-intervention"."""
        meanings = [
            meaning for label, meaning in self.time_labels.items() if contains_term(header, label)
        ]
        return " ".join([header, *meanings])

    def _wants_time_of(self, theirs: str, mine: str) -> bool:
        """The target names the other place's time and not this one's ("baseline body
        weight": Table 1 "at baseline", not Table 2 "changes from week 0")."""
        target = self.outcome.text
        if is_baseline(target) and is_baseline(theirs) and not is_baseline(mine):
            return True
        return bool(durations(target) & (durations(theirs) - durations(mine)))

    def _names_section(self, mine: str, theirs: str) -> bool:
        # The target names this row's section and not the other's ("late", "24 h"). A
        # "pre-test" is one word: the "test" of "agility test" names no pre-test column.
        mine, theirs = _PREFIXED.sub(r"\1", mine), _PREFIXED.sub(r"\1", theirs)
        target = stems(self.outcome.text, keep_generic=True) | durations(self.outcome.text)
        own = stems(mine, keep_generic=True) | durations(mine)
        other = stems(theirs, keep_generic=True) | durations(theirs)
        return bool(target & (own - other))
