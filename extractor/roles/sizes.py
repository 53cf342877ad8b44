"""Group sizes: the sizes printed for each arm ("Group H1 (n = 49)") and the check that a
record's sizes follow its event counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from extractor.locate import Occurrence
from extractor.roles.codes import Passed, RoleCode, RoleResult, where_printed
from schemas.extracted import Finding
from schemas.roles import EffectRoles

SIZE = re.compile(r"\(?\s*\b[nN]\s*=\s*(\d[\d,]*)\s*\)?")


# A size every arm has: "n = 19 patients in each group", "(n = 30 per arm)".
EACH_GROUP = re.compile(
    r"\s*(?:patients|participants|subjects|children|adults|women|men)?\s*"
    r"(?:(?:in|for)\s+(?:each|every|both)|per|each)\s+(?:group|arm)s?\b",
    re.IGNORECASE,
)


# The same size after the groups it counts: "randomly divided into two groups (n = 10)",
# "three equal arms (n = 20)": the size is each group's (a total follows the people,
# "20 dogs (n = 20) were divided").
GROUPS_BEFORE = re.compile(
    r"\b(?:two|three|four|both|2|3|4)\s+(?:equal\s+|equally\s+sized\s+)?(?:groups|arms)\s*$",
    re.IGNORECASE,
)


_PEOPLE = (
    r"(?:patients|participants|subjects|children|adults|infants|neonates|"
    r"volunteers|individuals|dogs|rats|mice|animals)"
)


# A size in words, defined for the arm named before it: "the cooling group consisted of
# 19 patients", "the placebo arm included 45 participants" (not "men" or "women": "they
# included 10 men and 2 women" splits a group).
COUNT_AFTER_ARM = re.compile(
    rf"\b(?:consisted\s+of|comprised|included)\s+(?P<n>\d[\d,]*)\s+{_PEOPLE}\b",
    re.IGNORECASE,
)


# ... or for the arm named after it: "22 patients were treated with TPLU", "45 children
# were randomized to placebo".
COUNT_BEFORE_ARM = re.compile(
    rf"\b(?P<n>\d[\d,]*)\s+{_PEOPLE}\s+(?:were\s+)?(?:randomi[sz]ed|randomly\s+assigned|"
    r"assigned|allocated|treated|received)\b",
    re.IGNORECASE,
)


def size_of(match: re.Match[str]) -> float:
    return float(match.group(1).replace(",", ""))


def sizes_follow_events(
    roles: EffectRoles, values: Mapping[str, float], results: dict[str, RoleResult]
) -> None:
    """A group size that the arm's events, where they stand, print out of another number
    ("8/99" in the outcome's row, 112 given) is that arm's size for another outcome or for
    the randomised group: it is doubted with the events."""
    for events, size in (("ai", "n1i"), ("ci", "n2i")):
        name_events, name_size = roles.field(events), roles.field(size)
        if name_events not in results or name_size not in results:
            continue
        where = results[name_events].where
        if where is None or Passed.arm not in results[name_events].passed:
            continue
        group = where.value_group
        if group.pair in ("slash", "of") and where.position == 0 and group.second is not None:
            printed = group.second.value
            if abs(printed - values[size]) > 1e-9:
                results[name_size].findings.append(
                    Finding(
                        code=RoleCode.group_size_mismatch,
                        message=f"its events are printed out of {group.second.raw} in "
                        f"{where_printed(where.unit)}",
                    )
                )


def counted_share(role: str, occ: Occurrence) -> bool:
    """A binary outcome's group size printed with a share under 100 ("705 (61.9)"): a
    count of events out of a larger whole (embryos, visits), not the arm's N."""
    group = occ.value_group
    if role not in ("n1i", "n2i") or group.pair != "paren" or len(group.numbers) != 2:
        return False
    return occ.position == 0 and 0 < group.numbers[1].value < 100
