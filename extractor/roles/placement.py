"""Where the paper puts a value: the arm of the column, row or sentence an occurrence
stands in, and the column header above it.

A table names its arms in the column headers ("Aspirin (n = 60)"), in the header's group
labels taken in order, or in the row labels (arms as rows); a sentence names an arm before
or after its numbers. Every role check that asks "whose number is this?" asks here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.locate import Locator, Occurrence, Unit
from extractor.roles.arms import Arms, column_labels
from extractor.roles.order import (
    arm_of_parenthesis,
    arm_right_after,
    arm_right_before,
    arms_in_order,
    group_shape,
    is_p_value,
    listed_run,
)
from extractor.roles.timepoints import TIME_STEMS, WHEN_WORDS
from extractor.terms import stem, stems

# A table whose label column is headed "Group(s)" or "Arm(s)", and a row label that is a
# group's letter or number only ("A", "II", "H1").
_GROUP_STUB = re.compile(r"\s*(?:groups?|arms?)\b", re.IGNORECASE)
_BARE_LABEL = re.compile(r"[A-Za-z0-9][\w-]{0,4}")


@dataclass
class Placement:
    """The arm of each occurrence of one target's values (the target's arms, the paper's
    located units)."""

    arms: Arms
    locator: Locator

    def column_header(self, occ: Occurrence) -> str:
        """The header of the column an occurrence stands in ("" when none)."""
        headers = occ.unit.column_headers
        return headers[occ.group] if occ.group < len(headers) else ""

    def arm_at(self, occ: Occurrence) -> str | None:
        """The arm the paper puts this value group under."""
        unit = occ.unit
        if unit.kind == "text":
            return self._nearest_arm(unit, occ.group)
        header = self.column_header(occ)
        arm = self.arms.arm_of(header) if header else None
        if arm is not None:
            return arm
        if header and occ.group < len(unit.cells):
            # "Intervention (control)" over cells printing "0.30±0.79 (0.38±0.98)".
            named = list(dict.fromkeys(m[2] for m in self.arms.mentions(header)))
            cell = unit.cells[occ.group]
            siblings = [g for g, c in enumerate(unit.cells) if c == cell]
            if len(named) == 2 and len(siblings) == 2:
                return named[siblings.index(occ.group)]
        labels = column_labels(unit.header, self.arms)
        count = len(unit.groups)
        if header and any(self.arms.arm_of(h) for h in unit.column_headers):
            labels = []  # the columns name their arms; one naming none is no arm's ("Mild")
        if labels and count in (len(labels), len(labels) + 1) and occ.group < len(labels):
            return labels[occ.group]
        return self.row_arm(unit) or self._arm_of_rows_above(unit)  # arms as rows

    def row_arm(self, unit: Unit) -> str | None:
        """The arm a table row names as its label, or in a text cell after the label
        ("Left colon | RMD | 14.9 ± 9.9": arms as rows under each outcome); None in a
        sentence."""
        if unit.kind == "text":
            return None
        return (
            self._arm_of_label(unit.label)
            or (self._arm_of_label(unit.stub) if unit.stub else None)
            or self._arm_of_bare_label(unit)
        )

    def _arm_of_bare_label(self, unit: Unit) -> str | None:
        """A row labelled only "A" in a table whose label column is headed "Groups": the
        paper's group A, whichever arm its definition named."""
        label = unit.label.strip()
        if not _GROUP_STUB.match(unit.header) or not _BARE_LABEL.fullmatch(label):
            return None
        return self.arms.arm_of(f"group {label}")

    def _arm_of_rows_above(self, unit: Unit) -> str | None:
        """A row naming only its time ("Post") under a row naming an arm and its time
        ("FAT Pre"): the same arm's later measurement. None when the row names more than
        its time or the row above it names no arm ("CE Pre": a third arm)."""
        if unit.kind == "text" or not unit.label or stems(unit.label) - WHEN_WORDS - TIME_STEMS:
            return None
        units = self.locator.units
        at = next((i for i, u in enumerate(units) if u is unit), 0)
        for above in reversed(units[:at]):
            if above.table != unit.table or above.kind != unit.kind:
                return None
            label = stems(above.label)
            if not label - WHEN_WORDS - TIME_STEMS:
                continue  # another time of the same arm ("Pre", "Post")
            return self._arm_of_label(above.label) if label & (WHEN_WORDS | TIME_STEMS) else None
        return None

    def _arm_of_label(self, label: str) -> str | None:
        """The arm a row label names, when the label is an arm's name ("TAU (n = 133)"),
        not a measure that shares a word with it ("Intrinsic motivation")."""
        arm = self.arms.arm_of(label) if label else None
        if arm is None:
            return None
        own = stems(label) - self.arms.terms[arm] - {stem(w) for w in self.arms.words[arm]}
        own -= WHEN_WORDS | TIME_STEMS  # "FAT Pre", "Placebo 12 weeks": the arm at a time
        labels = {w for label_ in self.arms.labels[arm] for w in stems(label_)}
        return arm if not own - labels else None

    def _nearest_arm(self, unit: Unit, group: int) -> str | None:
        """The arm a sentence names for a value group. Papers name an arm before its
        values ("in the aspirin group, 12 of 60") or after them ("12 of 60 on aspirin and
        20 of 61 on placebo"): each reading gives each value group of the same shape the
        arm named between it and its neighbour; the reading that places more groups is
        taken ("the intervention group ... (86/125 vs 78/133)": 86/125 only)."""
        mentions = self.arms.mentions(unit.text)
        shape = group_shape(unit.groups[group])
        peers = [
            g
            for g, other in enumerate(unit.groups)
            if group_shape(other) == shape
            and (g == group or not is_p_value(unit.text, other.start))
        ]
        inside = arm_of_parenthesis(unit, mentions, group)
        if inside is not None:
            return inside
        named = arm_right_before(unit, mentions, group)
        if named is not None:
            return named
        ordered = arms_in_order(unit, mentions, peers)
        if ordered is not None:
            return ordered.get(group)
        listed = self.arms.listed(unit, peers)
        if listed is None:  # a list of values of several shapes ("87% (26/30), ... and 0%")
            listed = self.arms.listed(unit, listed_run(unit, group))
        if listed is not None:
            return listed.get(group)
        readings = []
        for after in (True, False):
            placed: dict[int, str] = {}
            for i, g in enumerate(peers):
                here = unit.groups[g]
                if after:
                    limit = (
                        unit.groups[peers[i + 1]].start if i + 1 < len(peers) else len(unit.text)
                    )
                    found = [m for m in mentions if here.end <= m[0] < min(limit, here.end + 80)]
                    arms = {m[2] for m in found[:1]}
                else:
                    limit = unit.groups[peers[i - 1]].end if i > 0 else 0
                    found = [
                        m for m in mentions if max(limit, here.start - 80) <= m[0] < here.start
                    ]
                    arms = {m[2] for m in found[-1:]}
                if len(arms) == 1:
                    placed[g] = next(iter(arms))
            readings.append(placed)
        after_reading, before_reading = readings
        if len(after_reading) > len(before_reading):
            return after_reading.get(group)
        if len(before_reading) > len(after_reading):
            return before_reading.get(group)
        a, b = after_reading.get(group), before_reading.get(group)
        if a == b:
            return a
        # Framed by the arms: "in the intervention group was 61.07 (...) compared to 63.27
        # (...) in the control group". The first value takes the arm before it, the second
        # the arm after it; the two readings place different values and never disagree.
        # The second arm must follow its value at once ("... in the control group"), not
        # close a later clause ("14.1 at 12 months; it did not change in the placebo group").
        if (
            len(peers) == 2
            and set(before_reading) == {peers[0]}
            and set(after_reading) == {peers[1]}
        ):
            second = unit.groups[peers[1]]
            framed = {**before_reading, **after_reading}
            followed = arm_right_after(unit.text, mentions, second.end) is not None
            if len(set(framed.values())) == 2 and followed:
                return framed.get(group)
        return None
