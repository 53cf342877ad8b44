"""Which value of a sentence is which arm's, by how the sentence is built: values listed
in the order their arms are named ("respectively", "x and y for the A and B groups", "A
than B (x vs. y)"), a parenthesis after an arm's name, an arm joined to its value by "of",
":" or "=", and the numbers that are a test's result, no arm's value.

An arm mention is (start, end, arm) in the sentence's text (`Arms.mentions`).
"""

from __future__ import annotations

import re

from extractor.locate import Unit, ValueGroup
from extractor.roles.codes import OTHER

Mention = tuple[int, int, str]


# "x and y, respectively": values listed in the order of the names after or before them.
RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)


# Between two listed values: their unit, the parenthesis the first one closes ("87% (26/30),
# 20% (6/30)") and the word that joins them.
LISTED_BETWEEN = re.compile(r"^[\s%a-zA-Z/),]{0,12}?(?:and|,|;|vs\.?|versus)\s*$", re.IGNORECASE)


# What may stand between a value and the arm named right after it: its unit and a
# preposition ("63.27 (95% CI 58.28-68.25) in the control group", "12 mg/L with placebo").
_ARM_FOLLOWS = re.compile(
    r"[\s,]*(?:[A-Za-z%/]{1,8}\s+)?(?:in|with|on|among|for|of)\s+(?:the\s+|all\s+)?"
    r"(?:(?:those|patients|participants)\s+(?:receiving|given|treated\s+with|in|on)\s+)?",
    re.I,
)


# A parenthesis, or the rest of one the value opened ("63.27 (95% CI 58.28-68.25)").
_PARENTHESES = re.compile(r"\([^()]*\)|^[^()]*\)")


# An aside in round or square brackets ("(20%)", "[33%]").
_ASIDE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


_COMPARED = re.compile(
    r"\b(?:more|less|fewer|higher|lower|greater|smaller|better|worse|shorter|longer|"
    r"reduced|increased|decreased|improved|prolonged|shortened)\b",
    re.IGNORECASE,
)


# Which way a comparison goes (+1: the named arm's value is the larger); "better" and
# "improved" say nothing of the numbers (a lower pain score is better).
_DIRECTION = {
    **dict.fromkeys(["more", "higher", "greater", "longer", "increased", "prolonged"], 1),
    **dict.fromkeys(["less", "fewer", "lower", "smaller", "shorter", "reduced", "decreased",
                     "shortened"], -1),
}  # fmt: skip


def arms_in_order(unit: Unit, mentions: list[Mention], peers: list[int]) -> dict[int, str] | None:
    """Two values given in the order the two arms were named: "the aspirin and placebo
    groups had 12.3 ± 4.5 and 14.1 ± 5.2, respectively", "12.3 and 14.1 in the aspirin and
    placebo groups, respectively", "lower with aspirin than with placebo (12.3 vs 14.1)".
    None when the sentence is not built so (then each value takes its nearest arm)."""
    if len(peers) != 2:
        return None
    first, second = (unit.groups[g] for g in peers)
    text = unit.text
    # the first value's own parenthesis ("12/60 (20%) vs. 20/61") stands between them
    between = _ASIDE.sub(" ", text[first.end : second.start])
    respectively = RESPECTIVELY.search(text[second.end :]) is not None
    versus = _VERSUS.match(between) is not None
    if not (LISTED_BETWEEN.match(between) or versus):
        return None
    if any(first.end <= m[0] < second.start for m in mentions):
        return None  # an arm named between the values: each takes its own
    before = [m[2] for m in mentions if m[1] <= first.start]
    after = [m[2] for m in mentions if m[0] >= second.end]
    if respectively or versus:
        named = after[:2] if respectively and not before else before[-2:]
        if versus and len(set(named)) < 2 and before:
            # "aspirin ... 12.3, versus 14.1 among those receiving placebo": each value
            # framed by its own arm, the first named before, the second right after
            right_after = arm_right_after(text, mentions, second.end)
            if right_after is not None and right_after != before[-1]:
                named = [before[-1], right_after]
    else:
        # "x and y" without "respectively": in the order of two arms named as a pair,
        # right after the values ("... for the aspirin and placebo groups") or before
        # them ("the aspirin and placebo groups had ...", "lower in the aspirin group
        # than in the placebo group (x and y)"); else the values are not listed so.
        following = [m for m in mentions if m[0] >= second.end][:2]
        if (
            _named_as_pair(text, following)
            and arm_right_after(text, mentions, second.end) is not None
        ):
            named = after[:2]
        elif _named_as_pair(text, [m for m in mentions if m[1] <= first.start][-2:]):
            named = before[-2:]
        else:
            return None
    if len(named) == 2 and named[0] != named[1]:
        return {peers[0]: named[0], peers[1]: named[1]}
    # "fewer patients in the aspirin group (12/60 vs 20/61)": one arm compared with the
    # other, the named arm's value first ("respectively" would list periods of one arm).
    if before and not respectively and not after and set(before) == {before[-1]}:
        opening = unit.text[: first.start]
        if not opening.rstrip().endswith("("):
            return None
        compared = list(_COMPARED.finditer(opening))
        if compared:
            # "prolonged with clonidine (613.10 vs 878.33)": the named arm's value is the
            # larger, the second; the comparison's direction says whose is whose.
            direction = _DIRECTION.get(compared[-1].group().lower(), 0)
            if direction * (first.head.value - second.head.value) < 0:
                return {peers[0]: OTHER[before[-1]], peers[1]: before[-1]}
            return {peers[0]: before[-1], peers[1]: OTHER[before[-1]]}
        if _VERSUS.match(between):
            return {}  # "in patients receiving clonidine (x vs y)": which is whose is not said
    return None


# Between two arms named as a pair: "aspirin and placebo (groups)", "in the aspirin group
# than in the placebo group", "aspirin versus placebo"; not a comma ("Compared with
# placebo, aspirin ..." names them the other way round).
_PAIR_JOIN = re.compile(
    r"\s*(?:groups?|arms?)?\s*(?:and|&|or|vs\.?|versus|than)\b[\sa-z]{0,20}", re.IGNORECASE
)


def arm_right_after(text: str, mentions: list[Mention], at: int) -> str | None:
    """The arm named right after `at` (a value's end), with only its unit, a preposition
    and parentheses between ("63.27 (95% CI 58.28-68.25) in the control group", "14.1
    among those receiving placebo"); None when the next arm named is farther, or none is
    ("14.1 at 12 months; it did not change in the placebo group")."""
    after = [m for m in mentions if m[0] >= at]
    if not after or not _ARM_FOLLOWS.fullmatch(_PARENTHESES.sub(" ", text[at : after[0][0]])):
        return None
    return after[0][2]


def _named_as_pair(text: str, two: list[Mention]) -> bool:
    """Whether two arm mentions name both arms, joined as a pair."""
    if len(two) != 2 or two[0][2] == two[1][2]:
        return False
    return _PAIR_JOIN.fullmatch(text[two[0][1] : two[1][0]]) is not None


# Inside one parenthesis: words that compare two arms' values ("x vs. y", "x compared
# with y", "x and y, respectively"); such a parenthesis is no one arm's list.
_COMPARING = re.compile(r"\b(?:vs\.?|versus|compared|respectively)\b", re.IGNORECASE)


def arm_of_parenthesis(unit: Unit, mentions: list[Mention], group: int) -> str | None:
    """The arm named right before the parenthesis a value stands in: "earlier in Group II
    (4.36 min for sensory block and 9.83 min for motor block) than in Group I (...)". The
    parenthesis lists that arm's values, one per measure; None when it names an arm
    itself or compares ("with clonidine (613.10 vs. 878.33)": one value per arm)."""
    text = unit.text
    here = unit.groups[group]
    opening = text.rfind("(", 0, here.start)
    if opening < 0 or ")" in text[opening : here.start]:
        return None
    closing = text.find(")", here.end)
    if closing < 0 or "(" in text[here.end : closing]:
        return None
    inside = text[opening + 1 : closing]
    if _COMPARING.search(inside) or any(opening < m[0] < closing for m in mentions):
        return None
    return _named_right_before(text, mentions, opening, _NOTHING)


def _named_right_before(
    text: str, mentions: list[Mention], at: int, between: re.Pattern[str]
) -> str | None:
    """The arm of the last mention ending before `at`, when only `between` stands between
    that mention and `at`."""
    before = [m for m in mentions if m[1] <= at]
    if not before or not between.fullmatch(text[before[-1][1] : at]):
        return None
    return before[-1][2]


_NOTHING = re.compile(r"\s*")


# Between an arm's name and its value: the group's word and "of", ":" or "=" only ("a
# control group of 10 adults", "placebo group: 12", "Group II = 20").
_NAME_THEN_VALUE = re.compile(r"\s*(?:(?:group|arm)s?\s*)?(?:of|:|=)\s*", re.IGNORECASE)


def arm_right_before(unit: Unit, mentions: list[Mention], group: int) -> str | None:
    """The arm named right before a value, joined to it by "of", ":" or "=" ("a control
    group of 10 adults"): that arm's value, however the rest of the sentence names arms
    ("a group of 19 firefighters exposed to noise and a control group of 10 adults who
    were not exposed to such noise": the last "noise" names no arm of the 10)."""
    return _named_right_before(unit.text, mentions, unit.groups[group].start, _NAME_THEN_VALUE)


# "(p = 0.19)", "P < .001": a test's result, no arm's value; counted as one, it takes the
# last arm named as if it were that arm's number, and the sentence's two readings tie.
_P_BEFORE = re.compile(r"\bp\s*(?:value\s*)?[=<>≤≥]\s*$", re.IGNORECASE)


def is_p_value(text: str, start: int) -> bool:
    return _P_BEFORE.search(text[max(0, start - 12) : start]) is not None


def listed_run(unit: Unit, group: int) -> list[int]:
    """The value groups listed one after another with `group`, whatever their shape ("87%
    (26/30), 20% (6/30), 30% (9/30), and 0%")."""
    groups, text = unit.groups, unit.text

    def joined(a: int) -> bool:  # value groups a and a + 1 are listed together
        return LISTED_BETWEEN.match(text[groups[a].end : groups[a + 1].start]) is not None

    first = last = group
    while first > 0 and joined(first - 1):
        first -= 1
    while last + 1 < len(groups) and joined(last):
        last += 1
    return list(range(first, last + 1))


def group_shape(group: ValueGroup) -> tuple[str, int]:
    return (group.pair, len(group.numbers))


# Between two values: a unit ("ng/mL", "%", "kg/m2") and the word that joins them.
_VERSUS = re.compile(r"^[\s%a-zA-Z/,]{0,12}?(?:vs\.?|versus)\s*$", re.IGNORECASE)
