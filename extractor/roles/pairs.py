"""Paired numbers: the number printed beside a value must agree with the record.

Events print with their group size ("11/49") or their share ("11 (22.4 %)", "87%
(26/30)"), a mean with its SD ("12.3 ± 4.5", "12.3 (4.5)"); and the other arm's value
stands in the same row or sentence, or, with arms as rows, in the same column of the
other arm's row.

A value the paper does not print as such may follow from what it prints, with the arm's
n: an SD from a standard error (SE × √n) or a CI of the mean, events from the share a
table gives (when the rounding allows one count). Such a value is judged at that place,
and its `Derivation` (schemas/derive.py, the one owner of the arithmetic) says how.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from extractor.locate import Locator, Occurrence, ValueGroup, counts_column
from extractor.roles.codes import ARM_OF_ROLE
from extractor.roles.effects import half_unit
from extractor.roles.placement import Placement
from extractor.roles.timepoints import says_ci, says_se
from schemas.derive import Derivation, decimals, events_from_percent, sd_from_ci, sd_from_se
from schemas.numbers import PrintedNumber


def _is_share(number: PrintedNumber) -> bool:
    """A number printed as a percentage ("20%", "95% CI")."""
    return number.raw.rstrip().endswith("%")


def share_first(group: ValueGroup) -> bool:
    """Events printed after their share: "87% (26/30)", the share 26 of 30 makes."""
    if group.pair != "paren" or len(group.numbers) != 3:
        return False
    share, events, size = group.numbers
    if size.value <= 0 or not 0 <= events.value <= size.value:
        return False
    return abs(100 * events.value / size.value - share.value) <= half_unit(share.raw) + 0.051


def events_position(group: ValueGroup) -> int:
    """Where a group's count of events stands: first ("11/49", "11 (22 %)"), or second
    after the share it makes ("87% (26/30)")."""
    return 1 if share_first(group) else 0


def ci_bounds(group: ValueGroup) -> tuple[int, float] | None:
    """Where the interval printed beside a mean starts in its group, and its level:
    "55.91 (54.65, 57.17)" (1, 0.95), "61.07 (95% CI 55.42–66.71)" (2, 0.95). None when
    the parenthesis holds no interval. Whether it is a CI, not a range or an IQR, the
    label beside it says."""
    numbers = group.numbers
    if group.pair != "paren":
        return None
    if len(numbers) == 3:
        return 1, 0.95
    level = numbers[1] if len(numbers) == 4 else None
    if level is not None and _is_share(level) and level.value in (90, 95, 99):
        return 2, level.value / 100
    return None


@dataclass
class Pairs:
    """The pair checks of one record's role values (role -> number)."""

    values: dict[str, float]
    placement: Placement
    locator: Locator

    def _arm_size(self, role: str) -> float | None:
        """The group size the record gives the arm of `role` (n1i or n2i)."""
        return self.values.get("n1i" if ARM_OF_ROLE[role] == "intervention" else "n2i")

    def agrees(self, role: str, occ: Occurrence) -> bool | str | None:
        """True: the paired number agrees; a message: it disagrees; None: nothing paired."""
        group = occ.value_group
        second = group.second
        if role in ("ai", "ci") and _is_share(occ.number):
            given = self._share_gives(role, occ)  # "0%" of 30: the events printed as a share
            return True if isinstance(given, Derivation) else given
        if role in ("ai", "ci") and occ.position == 1 and share_first(group):
            size = self._arm_size(role)
            if size is None or size <= 0:
                return None
            printed = group.numbers[2]
            if printed.value == size:
                return True
            return f"printed as {group.numbers[1].raw}/{printed.raw}, not out of {size:g}"
        if role in ("ai", "ci") and occ.position == 0 and second is not None:
            size = self._arm_size(role)
            if size is None or size <= 0:
                return None
            if group.pair in ("slash", "of"):
                if second.value == size:
                    return True
                return f"printed as {group.head.raw}/{second.raw}, not out of {size:g}"
            if group.pair == "paren" and len(group.numbers) == 2 and 0 <= second.value <= 100:
                share = 100 * self.values[role] / size
                if abs(share - second.value) <= half_unit(second.raw) + 0.051:
                    return True
                printed = second.raw.rstrip(" %")
                given = f"{self.values[role]:g} of {size:g}"
                return f"printed with {printed} %, but {given} is {share:.1f} %"
            return None
        if role in ("m1i", "m2i", "sd1i", "sd2i") and group.pair in ("pm", "paren"):
            mean_role, sd_role = ("m1i", "sd1i") if role in ("m1i", "sd1i") else ("m2i", "sd2i")
            bounds = ci_bounds(group)
            if bounds is not None:  # "12.3 (10.1, 14.5)": a CI may give the SD
                interval = Occurrence(occ.unit, occ.group, bounds[0])
                given = self._sd_from_interval(interval, sd_role)
                if isinstance(given, Derivation):
                    given = True
                if role == sd_role:
                    return given if occ.position == bounds[0] else None
                return True if given is True else None  # "12 (10–14)": a range, no spread
            if len(group.numbers) != 2:
                return None
            other = sd_role if role == mean_role else mean_role
            if other not in self.values:
                return None
            printed = group.numbers[1 if role == mean_role else 0]
            if role == sd_role and self._se_printed(occ, role) is False:
                return f"{printed.raw} is printed with a standard error, not an SD"
            # the mean beside an SD keeps its sign ("−0.5 ± 2.8"); an SD has none
            expected = abs(self.values[other]) if role == mean_role else self.values[other]
            if abs(printed.value - expected) <= half_unit(printed.raw) + 1e-9:
                return role == mean_role or self._se_printed(occ, role) is not False
            if role == mean_role and self._se_printed(occ, other) is True:
                return True
            return f"printed beside {printed.raw}, not {self.values[other]:g}"
        return None

    def _share_gives(self, role: str, occ: Occurrence) -> Derivation | str | None:
        """Events printed only as their share of the arm ("0%", "20.0%" of 60): the
        derivation when the share gives this count and no other (round(share × n / 100),
        every count the printed rounding allows), a message when it gives another, None
        without an n."""
        size = self._arm_size(role)
        if size is None or size <= 0 or size != int(size):
            return None
        printed = occ.number
        derived = events_from_percent(printed.value, int(size), decimals(printed.raw))
        if derived.warning:
            return f"{printed.raw} of {size:g} does not give one count ({derived.warning})"
        if derived.value == self.values[role]:
            return derived
        return f"{printed.raw} of {size:g} is {derived.value:g}, not {self.values[role]:g}"

    def events_from_share(self, role: str) -> list[Occurrence]:
        """Where a table prints the arm's events only as their share of its n ("Stone-free
        rate | 100% | 80%", n = 22 and 20): the share's place, judged like a printed count.
        Tables only: a sentence's percentages are of many things, and one of another
        outcome's often names this outcome too ("nausea (20%) and vomiting (8%)")."""
        events = self.values.get(role)
        size = self._arm_size(role)
        if events is None or size is None or size <= 0:
            return []
        share = 100 * events / size
        places = {round(share, d) for d in (0, 1, 2)}
        found = [occ for value in places for occ in self.locator.find(value)]
        return [
            occ
            for occ in found
            if occ.unit.kind == "table"
            and occ.position == 0
            and _is_share(occ.number)
            and isinstance(self._share_gives(role, occ), Derivation)
        ]

    def derivation(self, role: str, occ: Occurrence) -> Derivation | None:
        """How the value of `role` follows from what is printed at `occ`, where it is not
        printed as such: an SD from a CI or an SE, events from a share (None otherwise)."""
        if role in ("ai", "ci") and _is_share(occ.number):
            given = self._share_gives(role, occ)
            return given if isinstance(given, Derivation) else None
        if role not in ("sd1i", "sd2i"):
            return None
        if ci_bounds(occ.value_group) is not None:
            given = self._sd_from_interval(occ, role)
            return given if isinstance(given, Derivation) else None
        size = self._arm_size(role)
        if self._se_printed(occ, role) is True and size:
            return sd_from_se(occ.number.value, size)
        return None

    def _se_printed(self, occ: Occurrence, sd_role: str) -> bool | None:
        """Whether the group's spread is a standard error that gives the SD (SE × √n):
        True if it does, False if the number at the SD's place is an SE that does not
        give it (a quoted SE is no SD), None when the spread is no SE."""
        group = occ.value_group
        if len(group.numbers) != 2 or not says_se(self._spread_label(occ)):
            return None
        size = self._arm_size(sd_role)
        sd = self.values.get(sd_role)
        if size is None or sd is None or size <= 0:
            return False
        se = group.numbers[1]
        # the printed SE's rounding, carried through the same × √n
        slack = (half_unit(se.raw) + 1e-9) * math.sqrt(size) + 0.005
        return abs(sd_from_se(se.value, size).value - sd) <= slack

    def _sd_from_interval(self, occ: Occurrence, sd_role: str) -> Derivation | str | None:
        """A mean printed with its CI ("55.91 (54.65, 57.17)" under "mean (95% CI)",
        "61.07 (95% CI 55.42–66.71)") gives the SD, √n × (high − low) / (2 × t), t of the
        Handbook or 1.96 (reviewers use both): the derivation when it gives this SD, a
        message when another, None when the parenthesis is no CI of this arm's mean."""
        mean_role = "m1i" if sd_role == "sd1i" else "m2i"
        size = self._arm_size(sd_role)
        mean, sd = self.values.get(mean_role), self.values.get(sd_role)
        numbers, bounds = occ.value_group.numbers, ci_bounds(occ.value_group)
        if size is None or size <= 1 or mean is None or sd is None or bounds is None:
            return None
        at, level = bounds
        if occ.position != at:
            return None
        mean_printed, low, high = numbers[0], numbers[at], numbers[at + 1]
        if abs(mean_printed.value - abs(mean)) > half_unit(mean_printed.raw) + 1e-9:
            return None
        if not low.value <= mean_printed.value <= high.value or not says_ci(
            self._spread_label(occ)
        ):
            return None
        # the printed bounds' rounding, carried through the same formula
        slack = 2 * half_unit(low.raw) * math.sqrt(size) / 3.92 + 0.006
        derived = [
            sd_from_ci(low.value, high.value, size, level, small_group_t=t) for t in (True, False)
        ]
        if any(abs(d.value - sd) <= slack for d in derived):
            return next(d for d in derived if abs(d.value - sd) <= slack)
        shown = f"{level:.0%} CI ({low.raw}, {high.raw})"
        return f"its {shown} gives SD {derived[0].value:.2f}, not {sd:g}"

    def sd_from_interval(self, role: str) -> list[Occurrence]:
        """Where the SD is derived from the 95% CI printed beside the arm's mean: the
        interval's place, judged like a printed SD."""
        mean = self.values.get("m1i" if role == "sd1i" else "m2i")
        if mean is None:
            return []
        out = []
        for occ in self.locator.find(mean):
            bounds = ci_bounds(occ.value_group)
            if occ.position != 0 or bounds is None:
                continue
            interval = Occurrence(occ.unit, occ.group, bounds[0])
            if isinstance(self._sd_from_interval(interval, role), Derivation):
                out.append(interval)
        return out

    def _spread_label(self, occ: Occurrence) -> str:
        """What names the spread beside a mean: the column header, else the table's
        header and caption (or the sentence itself)."""
        unit = occ.unit
        if unit.kind == "text":
            return unit.text
        header = self.placement.column_header(occ)
        if says_se(header) is not None:
            return header
        return f"{unit.header} {unit.section} {unit.caption}"

    def sd_as_se(self, role: str) -> list[Occurrence]:
        """Where the SD is printed as a standard error beside the arm's mean ("748.88
        (87.12)" under "Mean (SE)", n = 40: SD = 87.12 × √40 = 551.0): the SE's place."""
        mean = self.values.get("m1i" if role == "sd1i" else "m2i")
        if mean is None:
            return []
        out = []
        for occ in self.locator.find(mean):
            group = occ.value_group
            if occ.position != 0 or group.pair not in ("pm", "paren"):
                continue
            spread = Occurrence(occ.unit, occ.group, 1)
            if self._se_printed(spread, role) is True:
                out.append(spread)
        return out

    def beside(self, sibling: str, other_arm: str, occ: Occurrence) -> bool:
        """Whether the other arm's value (`sibling`'s) stands beside this one: in the same
        place of another value group of the row or sentence, or in the row below."""
        value = self.values[sibling]
        unit = occ.unit
        for g, group in enumerate(unit.groups):
            if g == occ.group:
                continue
            number = group.numbers[occ.position] if occ.position < len(group.numbers) else None
            if number is not None and abs(abs(number.value) - abs(value)) < 1e-9:
                probe = Occurrence(unit, g, occ.position)
                if self.placement.arm_at(probe) == other_arm:
                    return True
        return self._below(sibling, other_arm, occ)

    def _below(self, sibling: str, other_arm: str, occ: Occurrence) -> bool:
        """Arms as rows ("Before | 19 | 6.00", "After | 19 | 1.00"): the other arm's value in
        the same column of the other arm's row, in the same block of the same table. A
        group size must stand in a column of counts ("n")."""
        unit = occ.unit
        if unit.kind != "table" or occ.group >= len(unit.cells):
            return False
        if self.placement.row_arm(unit) is None:
            return False
        if sibling in ("n1i", "n2i") and not counts_column(self.placement.column_header(occ)):
            return False
        cell = unit.cells[occ.group]
        value = self.values[sibling]
        for other in self.locator.units:
            if other is unit or other.table != unit.table or other.section != unit.section:
                continue
            if other.kind != "table" or self.placement.row_arm(other) != other_arm:
                continue
            for g, group in enumerate(other.groups):
                if g >= len(other.cells) or other.cells[g] != cell:
                    continue
                if occ.position >= len(group.numbers) or group.pair != occ.value_group.pair:
                    continue
                if abs(group.numbers[occ.position].value - value) < 1e-9:
                    return True
        return False
