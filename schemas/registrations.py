"""How trial reports print their registration ids: several reports of one trial name the
same id, so synthesis counts them as one study and `status` shows the grouping."""

from __future__ import annotations

import re
from collections import Counter

# Registries whose ids are printed in trial reports (WHO ICTRP primary registries and
# ClinicalTrials.gov); the digits are what makes two mentions the same trial.
REGISTRATION = re.compile(
    r"\b(NCT\s?\d{8}|ISRCTN\s?\d{8}|ACTRN\s?\d{14}|ChiCTR[-A-Z]*\d{6,12}|DRKS\s?\d{8}|"
    r"CTRI/\d{4}/\d{2,3}/\d{6}|EUCTR\s?\d{4}-\d{6}-\d{2}|JPRN-[A-Z]+\d{6,12})",
    re.IGNORECASE,
)


def registrations(text: str) -> list[str]:
    """Registration ids in `text`, most mentioned first (a report names its own most)."""
    found = [re.sub(r"\s+", "", m.group(1)).upper() for m in REGISTRATION.finditer(text)]
    counts = Counter(found)
    first = {rid: i for i, rid in reversed(list(enumerate(found)))}
    return sorted(counts, key=lambda rid: (-counts[rid], first[rid]))
