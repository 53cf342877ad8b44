"""Role checks: is a printed number the one the field names, for this arm, outcome and time?

A quote that prints a value proves the number exists, not that it plays the field's role:
the other arm's count, another outcome's row and another timepoint's column all print
real numbers. For forms that declare effect roles (`schemas/roles.py`), each value is
located in the paper itself (`extractor/locate.py`) and each occurrence is tested:

- arm: the column header, the header's group labels taken in order, or the nearest arm
  named in the sentence, is the field's arm (group labels defined elsewhere, "Group A
  (n = 40) received ...", "H1 = haloperidol 1 mg", count as that arm's name);
- outcome: the row label (with its section row) or the sentence names the target outcome,
  at least as well as any other row of the paper does;
- timepoint: no other row with the same label under another timepoint or section holds
  different numbers, unless the target names the timepoint;
- pairs: "11/49" and "11 (22.4 %)" agree with the group size, "12.3 ± 4.5" and
  "12.3 (4.5)" with the SD; the other arm's value stands in the same row or sentence;
- group size: the size printed for the arm ("Group H1 (n = 49)") is the one given;
- effect: an OR, RR, RD or MD the row or sentence prints follows from the numbers.

The value is judged by its best occurrence. Each failed check is a finding; the passed
ones are kept on the value (`Extracted.checks_passed`), and `role_score` counts both, so
the agent can tell whether a new answer fits its role better than the old one.

The modules, each one floor above the ones it imports (the roles-floors contract in
pyproject.toml):

- `checker`: `RoleChecker` (one paper) and the judge of one target's values, which
  composes the parts below and takes each value's best occurrence;
- `size_checks` (`GroupSizes`): the sizes the paper gives each arm, and the N's check;
- `rivals` (`Rivals`): another column or row printing the arm's value at another time;
- `pairs` (`Pairs`): events with N or share, mean with SD or SE, the other arm beside;
- `placement` (`Placement`): the arm of a column, row or sentence an occurrence is in;
- `outcome` (`OutcomeBinding`): how well a row or sentence names the target's outcome;
- `arms`: which arm a header, label or sentence names (the target's words, group labels);
- `sizes`, `timepoints`, `effects`: the patterns of sizes, times and printed estimates,
  and the checks that need only the values (sizes follow events, effects reproduce);
- `order`: which value of a sentence is which arm's by how it is built ("respectively",
  "x and y for the A and B groups", "A than B (x vs. y)", "a control group of 10");
- `codes`: finding codes, results and the score the agent compares answers by.

The parts are objects the judge owns, not free functions or mixins: each holds the
state of one target that its job needs (the arms, the outcome's words, the values) and
caches what it reads of the paper for that target (the best-matching row, the analysed
sizes), so a call says only what varies (`placement.arm_at(occ)`). Free functions would
pass those five things at every call; mixins would keep one class of forty methods sharing
one namespace, where nothing shows which check uses which. As objects, each part names
the parts it needs in its fields, and the floors check that those point only downward.
"""

from extractor.roles.arms import Arms
from extractor.roles.checker import RoleChecker, check_roles
from extractor.roles.codes import (
    ARM_OF_ROLE,
    ROLE_FAILURES,
    ROLE_PASSES,
    Passed,
    RoleCode,
    RoleResult,
    RoleScore,
    role_score,
)

__all__ = [
    "ARM_OF_ROLE",
    "ROLE_FAILURES",
    "ROLE_PASSES",
    "Arms",
    "Passed",
    "RoleChecker",
    "RoleCode",
    "RoleResult",
    "RoleScore",
    "check_roles",
    "role_score",
]
