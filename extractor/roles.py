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
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from extractor.document import Document
from extractor.locate import Locator, Occurrence, Unit, ValueGroup, contains_term, fold_text
from extractor.terms import (
    CONTROL,
    TIME_WORDS,
    abbreviations,
    coverage,
    expand,
    initialisms,
    quantities,
    stem,
    stems,
    words,
)
from schemas.extracted import Extracted, Finding
from schemas.form import Form
from schemas.roles import BINARY_ROLES, CONTINUOUS_ROLES, EffectRoles, effect_roles


class RoleCode:
    """Finding codes of failed role checks (stable: exports and the app filter on them)."""

    not_printed = "not_printed"
    arm_mismatch = "arm_mismatch"
    arm_unbound = "arm_unbound"
    outcome_unbound = "outcome_unbound"
    timepoint_ambiguous = "timepoint_ambiguous"
    pair_mismatch = "pair_mismatch"
    group_size_mismatch = "group_size_mismatch"
    effect_mismatch = "effect_mismatch"
    role_unconfirmed = "role_unconfirmed"


class Passed:
    """Codes of passed role checks, kept on the value as `checks_passed`."""

    arm = "arm_bound"
    outcome = "outcome_bound"
    timepoint = "timepoint_single"
    pair = "pair_agrees"
    both_arms = "both_arms_together"
    group_size = "group_size_agrees"
    effect = "effect_reproduced"


ROLE_FAILURES = frozenset(
    v for k, v in vars(RoleCode).items() if not k.startswith("_") and isinstance(v, str)
)
ROLE_PASSES = frozenset(
    v for k, v in vars(Passed).items() if not k.startswith("_") and isinstance(v, str)
)
ARM_OF_ROLE = {
    "ai": "intervention", "n1i": "intervention", "m1i": "intervention", "sd1i": "intervention",
    "ci": "comparator", "n2i": "comparator", "m2i": "comparator", "sd2i": "comparator",
}  # fmt: skip
OTHER = {"intervention": "comparator", "comparator": "intervention"}
SIBLING = {"ai": "ci", "ci": "ai", "m1i": "m2i", "m2i": "m1i", "sd1i": "sd2i", "sd2i": "sd1i",
           "n1i": "n2i", "n2i": "n1i"}  # fmt: skip
OUTCOME_MIN = 0.6  # share of the outcome's words a sentence must name
ROW_MIN = 0.4  # how well (F1 of words) a table row must name the outcome
OUTCOME_SLACK = 0.15  # how far below the paper's best-matching row a row may fall
_SIZE = re.compile(r"\(?\s*\b[nN]\s*=\s*(\d[\d,]*)\s*\)?")
_LABEL_DEF = re.compile(
    r"\b(?P<label>(?:[Gg]roup|[Aa]rm)\s+[A-Za-z0-9][\w-]{0,5}|[A-Z][A-Za-z0-9-]{0,5}(?:\s+group)?)"
    r"\s*(?:\(\s*[nN]\s*=\s*\d+\s*\))?\s*(?P<verb>=|:|received|was given|were given|"
    r"was treated with|were treated with|consisted of|\()\s*"
    r"(?P<what>(?:[^,;.()]|(?<=\d)\.(?=\d)){3,80})"  # "0.75% ropivacaine": a decimal goes on
)
# Words and statistics that a "X = ..." or "X (...)" pattern catches but that name no arm.
_NOT_LABELS = frozenset(
    ["the", "a", "in", "and", "of", "this", "we", "all", "p", "n", "or", "rr", "hr", "ci", "sd",
     "se", "md", "iqr", "vs", "no", "table", "fig", "figure", "group", "groups", "arm", "arms"]
)  # fmt: skip
_NEGATED = re.compile(r"^\s*(?:without|no|non|not)\b[\s-]*(?P<rest>.+)", re.IGNORECASE)
# A size every arm has: "n = 19 patients in each group", "(n = 30 per arm)".
_EACH_GROUP = re.compile(
    r"\s*(?:patients|participants|subjects|children|adults|women|men)?\s*"
    r"(?:(?:in|for)\s+(?:each|every|both)|per|each)\s+(?:group|arm)s?\b",
    re.IGNORECASE,
)
_GROUP_SUFFIX = re.compile(r"\s+(?:group|arm)s?$")
_TEST_RESULT = re.compile(r"\b[pPtFzZ]\s*[=<>≤≥]")
_GROUP_WORD = re.compile(r"\b(?:group|arm)\b")


def _bare_label(label: str, verb: str) -> bool:
    """A label without "group"/"arm" ("H1", "DEX"): two characters at least, and defined
    by a verb of treatment or an equals sign, not a colon ("JG: designed the study" is an
    author's contribution)."""
    return len(label) >= 2 and verb != ":"


_LABEL_AFTER = re.compile(
    r"(?P<what>\b[\w-]+(?:\s+[\w-]+){0,3})\s+(?:group|arm)\s*\(\s*"
    r"(?P<label>(?:[Gg]roup\s+)?[A-Z][A-Za-z0-9-]{0,5})\s*[,;)]"
)
_NAMED_LABEL = re.compile(
    r"\b(?:unit|group|arm|ward|period|phase|cohort)\s+(?:[A-Z]|[0-9]{1,2}|I{1,3}|IV|V)\b",
    re.IGNORECASE,
)
_TIME_ARMS = {
    "pre": frozenset({"before", "baseline", "pre"}),
    "post": frozenset({"after", "post"}),
}
_GROUP_LABEL = re.compile(
    r"\b(?:group|arm)\s+[A-Za-z0-9][\w-]{0,5}|\b[A-Za-z0-9-]+\s+group\b", re.I
)
# Abbreviations in capitals only ("or a comparator (n = 6,885)" prints no odds ratio);
# a number followed by ",ddd" is a count with a thousands separator, not an estimate.
_ESTIMATE = re.compile(
    r"\b(?P<measure>OR|RR|RD|MD|HR|(?i:odds ratio|risk ratio|relative risk|risk difference|"
    r"mean difference|difference))\b[^0-9\-−]{0,25}(?P<value>[-−]?\d+(?:[.·]\d+)?)(?!,\d{3})"
)


@dataclass
class RoleResult:
    """What the role checks found for one value."""

    passed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    where: Occurrence | None = None  # the occurrence the value is judged by
    occurrences: list[Occurrence] = field(default_factory=list)


@dataclass(frozen=True)
class RoleScore:
    """How many role checks one value passed and failed (compare two answers by it)."""

    passed: int
    failed: int

    def better_than(self, other: RoleScore) -> bool:
        """Strictly more checks passed, and no more failed."""
        return self.passed > other.passed and self.failed <= other.failed


def role_score(extracted: Extracted[Any]) -> RoleScore:
    """Role checks passed and failed by a checked value (0, 0 for a field without roles)."""
    passed = sum(1 for code in dict.fromkeys(extracted.checks_passed) if code in ROLE_PASSES)
    failed = sum(
        1 for code in dict.fromkeys(f.code for f in extracted.findings) if code in ROLE_FAILURES
    )
    return RoleScore(passed, failed)


class Arms:
    """The two arms of a target, by the words that tell them apart and their group labels."""

    def __init__(self, intervention: str, comparator: str, document: Document | None) -> None:
        own = {"intervention": stems(intervention), "comparator": stems(comparator)}
        for arm in own:
            control = {stem(w) for w in CONTROL}
            if own[arm] & control and not own[OTHER[arm]] & control:
                own[arm] = own[arm] | control
        self.own = own  # every stem of each arm's name (shared words included)
        self.terms = {
            arm: _informative(own[arm] - own[OTHER[arm]]) or own[arm] - own[OTHER[arm]]
            for arm in own
        }
        # The arms' generic names ("the intervention group", "controls"), as whole words.
        self.words = {
            arm: {w for w in _ROLE_WORDS[arm] if stem(w) not in own[OTHER[arm]]} for arm in own
        }
        for arm, names in own.items():  # pre/post designs: "pre-Yoga" is the "Before" row
            for prefix, synonyms in _TIME_ARMS.items():
                if prefix in names and prefix not in own[OTHER[arm]]:
                    self.words[arm] |= synonyms
        # Arms that differ only by a dose or a duration ("3h group" and "20h group", "for
        # 48 weeks" and "for 24 weeks"): told apart by it, however it is spelled ("3 h",
        # "SD48W"). Only then: elsewhere a duration in a header is a timepoint's.
        amounts = {
            "intervention": {q[2] for q in quantities(intervention)},
            "comparator": {q[2] for q in quantities(comparator)},
        }
        self.amounts: dict[str, set[str]] = {"intervention": set(), "comparator": set()}
        if not any(t[0].isalpha() for arm in self.terms for t in self.terms[arm]):
            self.amounts = {arm: amounts[arm] - amounts[OTHER[arm]] for arm in amounts}
            if not all(self.amounts.values()):
                self.amounts = {"intervention": set(), "comparator": set()}
        self.labels: dict[str, set[str]] = {"intervention": set(), "comparator": set()}
        for arm, name in (("intervention", intervention), ("comparator", comparator)):
            # "unit A", "phase II", "group 2" inside an arm's name: a label of that arm.
            for match in _NAMED_LABEL.finditer(name):
                self.labels[arm].add(" ".join(match.group().lower().split()))
        shared = self.labels["intervention"] & self.labels["comparator"]
        for arm in self.labels:
            self.labels[arm] -= shared
        control = {stem(w) for w in CONTROL}
        if own["comparator"] & control and not own["intervention"] & control and document:
            # "Study group (n=33)" beside "Control group (n=30)": the treated arm.
            cells = " ".join(c for t in document.tables for row in t.rows for c in row)
            if contains_term(f"{document.text} {cells}", "study group"):
                self.labels["intervention"].add("study group")
        for arm, name in (("intervention", intervention), ("comparator", comparator)):
            # "No cooling" against "Deep cooling", "without an ICU-AW diagnosis" against
            # "ICU-AW": the words after the negation name the other arm's treatment; this
            # arm is the negated phrase as a whole, never its words one by one.
            negated = _NEGATED.match(name)
            if negated and stems(negated.group("rest")) & own[OTHER[arm]]:
                self.terms[arm] = set()
                phrase = " ".join(name.lower().split())
                # "No gum group" is also "No gum (n=37) group": the phrase without "group"
                self.labels[arm] |= {phrase, _GROUP_SUFFIX.sub("", phrase)}
        if document is not None:
            self._learn_abbreviations(document.text)
            self._learn_labels(document.text)

    def _learn_abbreviations(self, text: str) -> None:
        # "dexmedetomidine (DEX)": the abbreviation names the arm its expansion names, the
        # whole of it or nearly ("standard deviation (SD)" shares one word with "standard
        # care": SD names no arm).
        for short, expansion in abbreviations([text]).items():
            arm = _winner({a: len(self.terms[a] & expansion) for a in self.terms})
            if arm is None or 3 * len(self.own[arm] & expansion) < 2 * len(expansion):
                continue
            if short in self.terms[OTHER[arm]]:
                continue
            if re.fullmatch(r"[a-z0-9]+", short):
                self.terms[arm] = self.terms[arm] | {short}
            else:  # "ICU-AW" is two words to `words`: matched as a phrase, like a label
                self.labels[arm].add(short)

    def _learn_labels(self, text: str) -> None:
        # "Group A (n = 40) received X", "H1 = haloperidol 1 mg", "Group D (dexmedetomidine)",
        # "the dexmedetomidine group (group D)": a label named for one arm.
        votes: dict[str, dict[str, int]] = {}
        found = [
            (m.group("label"), m.group("what"), m.group("verb")) for m in _LABEL_DEF.finditer(text)
        ]
        found += [(m.group("label"), m.group("what"), "(") for m in _LABEL_AFTER.finditer(text)]
        for raw, what, verb in found:
            arm = self._arm_by_words(what)
            # "HRQoL (intervention women: p = 0.58)": a test's result, no definition.
            if arm is None or _TEST_RESULT.search(what):
                continue
            label = " ".join(raw.split()).lower()
            if label in _NOT_LABELS or (
                not _GROUP_WORD.search(label) and not _bare_label(label, verb)
            ):
                continue
            votes.setdefault(label, {}).setdefault(arm, 0)
            votes[label][arm] += 1
        for label, counts in votes.items():
            if len(counts) == 1:
                self.labels[next(iter(counts))].add(label)

    def _arm_by_words(self, text: str) -> str | None:
        found = stems(text)
        scores = {arm: len(self.terms[arm] & found) for arm in self.terms}
        winner = _winner(scores)
        if winner is not None or any(scores.values()):
            return winner
        # An add-on design ("ropivacaine + saline" against "ropivacaine + clonidine with
        # saline"): the comparator has no word of its own. A definition naming every word
        # of one arm's name and none that only the other arm has is that arm's.
        whole = [arm for arm in self.own if self.own[arm] and self.own[arm] <= found]
        return whole[0] if len(whole) == 1 else None

    def arm_of(self, text: str) -> str | None:
        """The arm `text` names (a header, a label), or None if neither or both."""
        if len({m[2] for m in self.mentions(text)}) == 2:
            return None  # "Intervention (control)": both; the order decides, not the words
        found = stems(text)
        folded = {w for _, w in words(text)}
        scores = {arm: len(self.terms[arm] & found) for arm in self.terms}
        amounts = {q[2] for q in quantities(text)}
        for arm, names in self.words.items():
            scores[arm] += len(names & folded) + len(self.amounts[arm] & amounts)
        for arm, labels in self.labels.items():
            scores[arm] += 2 * sum(1 for label in labels if contains_term(text, label))
        return _winner(scores)

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, arm) of every arm word or label in `text`."""
        out = []
        for at, word in words(text):
            for arm, terms in self.terms.items():
                if stem(word) in terms or word in self.words[arm]:
                    out.append((at, at + len(word), arm))
        lowered = text.lower()
        spans = []
        for arm, labels in self.labels.items():
            for label in labels:
                pattern = re.escape(label).replace(r"\ ", r"\s+")
                for match in re.finditer(r"(?<![a-z0-9])" + pattern + r"(?![a-z0-9])", lowered):
                    spans.append((match.start(), match.end(), arm))
        # A word inside the other arm's label ("ICU-AW" in "without an ICU-AW diagnosis")
        # names that label's arm, not its own.
        out = [
            m for m in out if not any(s <= m[0] and m[1] <= e and a != m[2] for s, e, a in spans)
        ]
        spans = [
            m for m in spans if not any(s <= m[0] and m[1] <= e and a != m[2] for s, e, a in spans)
        ]
        return sorted(out + spans)


_TIME_STEMS = frozenset(stem(w) for w in TIME_WORDS)
# Words of a row label that say when, not what ("Pre", "Postop 3rd mo").
_WHEN = frozenset(
    stem(w)
    for w in ["pre", "post", "preop", "postop", "preoperative", "postoperative", "pretest",
              "posttest", "before", "after", "1st", "2nd", "3rd", "4th", "5th", "6th", "12th"]
)  # fmt: skip
_ROLE_WORDS = {
    "intervention": frozenset({"intervention", "experimental", "treatment"}),
    "comparator": frozenset({"comparator", "control", "controls"}),
}


def _shape(group: ValueGroup) -> tuple[str, int]:
    return (group.pair, len(group.numbers))


_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)
# Between two values: a unit ("ng/mL", "%", "kg/m2") and the word that joins them.
_VERSUS = re.compile(r"^[\s%a-zA-Z/]{0,12}?(?:vs\.?|versus)\s*$", re.IGNORECASE)
_AND = re.compile(r"^[\s%a-zA-Z/]{0,12}?(?:and|,|;|vs\.?|versus)\s*$", re.IGNORECASE)


# What may stand between a value and the arm named right after it: its unit and a
# preposition ("63.27 (95% CI 58.28-68.25) in the control group", "12 mg/L with placebo").
_ARM_FOLLOWS = re.compile(
    r"[\s,]*(?:[A-Za-z%/]{1,8}\s+)?(?:in|with|on|among|for|of)\s+(?:the\s+|all\s+)?", re.I
)
# A parenthesis, or the rest of one the value opened ("63.27 (95% CI 58.28-68.25)").
_PARENTHESES = re.compile(r"\([^()]*\)|^[^()]*\)")
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


def _in_order(
    unit: Unit, mentions: list[tuple[int, int, str]], peers: list[int]
) -> dict[int, str] | None:
    """Two values given in the order the two arms were named: "the aspirin and placebo
    groups had 12.3 ± 4.5 and 14.1 ± 5.2, respectively", "12.3 and 14.1 in the aspirin and
    placebo groups, respectively", "lower with aspirin than with placebo (12.3 vs 14.1)".
    None when the sentence is not built so (then each value takes its nearest arm)."""
    if len(peers) != 2:
        return None
    first, second = (unit.groups[g] for g in peers)
    between = unit.text[first.end : second.start]
    respectively = _RESPECTIVELY.search(unit.text[second.end :]) is not None
    if not (respectively and _AND.match(between)) and not _VERSUS.match(between):
        return None
    if any(first.end <= m[0] < second.start for m in mentions):
        return None  # an arm named between the values: each takes its own
    before = [m[2] for m in mentions if m[1] <= first.start]
    after = [m[2] for m in mentions if m[0] >= second.end]
    named = after[:2] if respectively and not before else before[-2:]
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
            # "prolonged with clonidine (613.10 vs 878.33)": the first value is the smaller,
            # so the named arm's is the second; the order and the words disagree: neither.
            direction = _DIRECTION.get(compared[-1].group().lower(), 0)
            if direction * (first.head.value - second.head.value) < 0:
                return {}
            return {peers[0]: before[-1], peers[1]: OTHER[before[-1]]}
        if _VERSUS.match(between):
            return {}  # "in patients receiving clonidine (x vs y)": which is whose is not said
    return None


# "(p = 0.19)", "P < .001": a test's result, no arm's value; counted as one, it takes the
# last arm named as if it were that arm's number, and the sentence's two readings tie.
_P_BEFORE = re.compile(r"\bp\s*(?:value\s*)?[=<>≤≥]\s*$", re.IGNORECASE)


def _is_p_value(text: str, start: int) -> bool:
    return _P_BEFORE.search(text[max(0, start - 12) : start]) is not None


def _informative(terms: set[str]) -> set[str]:
    # Bare numbers and one-letter words bind nothing in running text ("1", "a").
    return {t for t in terms if len(t) > 1 and not t.isdigit()}


def _winner(scores: Mapping[str, int]) -> str | None:
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked[0][1] > 0 and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return None


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
        outcome_text = target.get("outcome", "")
        local = {**initialisms(outcome_text), **abbreviations([outcome_text])}
        abbrevs = {**self._abbreviations, **local}
        # The target's time ("death at 90 days") is the timepoint check's, not a word the
        # row or sentence must name for the outcome.
        outcome = expand(stems(outcome_text), abbrevs)
        outcome = outcome - _TIME_STEMS or outcome
        by_role: dict[str, float] = {}
        for role, name in roles.fields.items():
            value = values.get(name)
            # The pooled inputs only: a printed-form number (a median, an SE, a percentage)
            # is checked by its quote, and the numbers derived from it by their formula.
            if role in ARM_OF_ROLE and _is_number(value):
                by_role[role] = float(value)
        context = _Context(self, arms, outcome, abbrevs, by_role, outcome_text)
        results = {roles.fields[role]: context.judge(role) for role in by_role}
        context.effects(roles, results)
        _sizes_follow_events(roles, by_role, results)
        return results


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass
class _Context:
    checker: RoleChecker
    arms: Arms
    outcome: set[str]
    abbrevs: dict[str, set[str]]
    values: dict[str, float]
    outcome_text: str
    _best_outcome: float | None = None
    _best_sentence: float | None = None
    _analysed_sizes: dict[str, set[float]] = field(default_factory=dict)

    def _names_only_time(self, unit: Unit) -> bool:
        """A table row whose label says when, not what ("Pre", "Postop 3rd mo")."""
        if unit.kind == "text" or not unit.label:
            return False
        arm_words = self.arms.terms["intervention"] | self.arms.terms["comparator"]
        # "Total 0-12 months" is the whole of its periods, not one of them.
        own = stems(unit.context, keep_generic=True) - arm_words - _TIME_STEMS - _WHEN
        return not own and bool(_time_tokens(unit.label) or stems(unit.context))

    def outcome_cover(self, unit: Unit, header: str = "") -> float:
        """How well a sentence, or a row with its column header, names the target outcome.

        A sentence: the share of the outcome's words it holds. A row: that share balanced
        (F1) with the share of the row label's own words that are the outcome's, so a row
        "Nausea" names "nausea and vomiting (PONV)" less well than "Total PONV" does; an
        arm's name as the row label (arms as rows) counts for neither.
        """
        found = expand(stems(f"{unit.context} {header}"), self.abbrevs)
        recall = coverage(self.outcome, found)
        if unit.kind == "text":
            return recall
        arm_words = self.arms.terms["intervention"] | self.arms.terms["comparator"]
        own = expand(stems(unit.context), self.abbrevs) - arm_words - _TIME_STEMS
        if not own - _WHEN:
            # "Preop", "Post", "Postop 3rd mo": a row that names only its time takes its
            # outcome from the columns and the caption ("Table 3. /a/ vowel's voice
            # analysis").
            caption = expand(stems(f"{unit.context} {header} {unit.caption}"), self.abbrevs)
            return coverage(self.outcome, caption) if own else recall
        precision = len(own & self.outcome) / len(own)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def best_outcome(self) -> float:
        if self._best_outcome is None:
            rows = [u for u in self.checker.locator.units if u.kind != "text"]
            self._best_outcome = max((self.outcome_cover(u) for u in rows), default=0.0)
        return self._best_outcome

    @property
    def best_sentence(self) -> float:
        """How well the paper's best sentence with numbers names the outcome."""
        if self._best_sentence is None:
            texts = [u for u in self.checker.locator.units if u.kind == "text"]
            self._best_sentence = max((self.outcome_cover(u) for u in texts), default=0.0)
        return self._best_sentence

    def outcome_bound(self, unit: Unit, header: str = "") -> bool:
        cover = self.outcome_cover(unit, header)
        if unit.kind == "text":
            # "The duration of sensory block was ..." names two of the three words of
            # "duration of motor block", but the sentence printing the motor block's
            # numbers names all three: a sentence is measured against the paper's best.
            return cover >= OUTCOME_MIN and cover >= self.best_sentence - OUTCOME_SLACK
        return cover >= ROW_MIN and cover >= self.best_outcome - OUTCOME_SLACK

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
        return self._arm_of_label(unit.label)  # arms as rows

    def _arm_of_label(self, label: str) -> str | None:
        """The arm a row label names, when the label is an arm's name ("TAU (n = 133)"),
        not a measure that shares a word with it ("Intrinsic motivation")."""
        arm = self.arms.arm_of(label) if label else None
        if arm is None:
            return None
        own = stems(label) - self.arms.terms[arm] - {stem(w) for w in self.arms.words[arm]}
        labels = {w for label_ in self.arms.labels[arm] for w in stems(label_)}
        return arm if not own - labels else None

    def column_header(self, occ: Occurrence) -> str:
        headers = occ.unit.column_headers
        return headers[occ.group] if occ.group < len(headers) else ""

    def _nearest_arm(self, unit: Unit, group: int) -> str | None:
        """The arm a sentence names for a value group. Papers name an arm before its
        values ("in the aspirin group, 12 of 60") or after them ("12 of 60 on aspirin and
        20 of 61 on placebo"): each reading gives each value group of the same shape the
        arm named between it and its neighbour; the reading that places more groups is
        taken ("the intervention group ... (86/125 vs 78/133)": 86/125 only)."""
        mentions = self.arms.mentions(unit.text)
        shape = _shape(unit.groups[group])
        peers = [
            g
            for g, other in enumerate(unit.groups)
            if _shape(other) == shape and (g == group or not _is_p_value(unit.text, other.start))
        ]
        ordered = _in_order(unit, mentions, peers)
        if ordered is not None:
            return ordered.get(group)
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
            following = [m for m in mentions if m[0] >= second.end]
            gap = _PARENTHESES.sub(" ", unit.text[second.end : following[0][0]])
            framed = {**before_reading, **after_reading}
            if len(set(framed.values())) == 2 and _ARM_FOLLOWS.fullmatch(gap):
                return framed.get(group)
        return None

    def arm_sizes(self) -> dict[str, set[float]]:
        """Group sizes the paper prints for each arm ("Group H1 (n = 49)")."""
        sizes: dict[str, set[float]] = {"intervention": set(), "comparator": set()}
        seen: set[str] = set()
        for unit in self.checker.locator.units:
            for text in (unit.header, unit.text if unit.kind == "text" else ""):
                if not text or text in seen:
                    continue
                seen.add(text)
                matches = list(_SIZE.finditer(text))
                in_order = self._sizes_in_order(text, matches)
                for arm, size in in_order.items():
                    sizes[arm].add(size)
                for match in matches if not in_order else []:
                    if _EACH_GROUP.match(text, match.end()):  # "n = 19 patients in each group"
                        for arm in sizes:
                            sizes[arm].add(_size_of(match))
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
                        sizes[named.pop()].add(_size_of(match))
        return sizes

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
        return {order[-2]: _size_of(a), order[-1]: _size_of(b)}

    def judge(self, role: str) -> RoleResult:
        value = self.values[role]
        arm = ARM_OF_ROLE[role]
        result = RoleResult(occurrences=self.checker.locator.find(value))
        if role in ("sd1i", "sd2i"):
            result.occurrences += self._sd_from_se(role)
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
            if not _fits(role, occ) or (binary and _counted_share(role, occ)):
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
        where = _where(unit)
        found_arm = self.arm_at(occ)
        if found_arm == arm:
            passed.append(Passed.arm)
        elif found_arm is not None:
            failed.append((RoleCode.arm_mismatch, f"{where} puts it under the {found_arm} arm"))
        else:
            failed.append((RoleCode.arm_unbound, f"{where} does not say which arm it is"))
        if role not in ("n1i", "n2i"):
            if self.outcome_bound(unit, self.column_header(occ)):
                passed.append(Passed.outcome)
                ambiguous = ""
                if found_arm == arm:  # another column of the same arm: which one is it?
                    ambiguous = self._other_column(occ, arm) or self._other_timepoint(occ, arm)
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
        pair = self._pair(role, occ)
        if pair is True:
            passed.append(Passed.pair)
        elif isinstance(pair, str):
            failed.append((RoleCode.pair_mismatch, pair))
        sibling = SIBLING.get(role)
        if sibling in self.values and self._beside(sibling, OTHER[arm], occ):
            passed.append(Passed.both_arms)
        return passed, failed

    def _pair(self, role: str, occ: Occurrence) -> bool | str | None:
        """True: the paired number agrees; a message: it disagrees; None: nothing paired."""
        group = occ.value_group
        second = group.second
        if role in ("ai", "ci") and occ.position == 0 and second is not None:
            size = self.values.get("n1i" if role == "ai" else "n2i")
            if size is None or size <= 0:
                return None
            if group.pair in ("slash", "of"):
                if second.value == size:
                    return True
                return f"printed as {group.head.raw}/{second.raw}, not out of {size:g}"
            if group.pair == "paren" and len(group.numbers) == 2 and 0 <= second.value <= 100:
                share = 100 * self.values[role] / size
                if abs(share - second.value) <= _half_unit(second.raw) + 0.051:
                    return True
                return (
                    f"printed with {second.raw} %, but {self.values[role]:g} of {size:g} is "
                    f"{share:.1f} %"
                )
            return None
        if role in ("m1i", "m2i", "sd1i", "sd2i") and group.pair in ("pm", "paren"):
            if len(group.numbers) != 2:
                return None  # "12 (10–14)": a range, not a spread
            mean_role, sd_role = ("m1i", "sd1i") if role in ("m1i", "sd1i") else ("m2i", "sd2i")
            other = sd_role if role == mean_role else mean_role
            if other not in self.values:
                return None
            printed = group.numbers[1 if role == mean_role else 0]
            if role == sd_role and self._se_printed(occ, role) is False:
                return f"{printed.raw} is printed with a standard error, not an SD"
            # the mean beside an SD keeps its sign ("−0.5 ± 2.8"); an SD has none
            expected = abs(self.values[other]) if role == mean_role else self.values[other]
            if abs(printed.value - expected) <= _half_unit(printed.raw) + 1e-9:
                return role == mean_role or self._se_printed(occ, role) is not False
            if role == mean_role and self._se_printed(occ, other) is True:
                return True
            return f"printed beside {printed.raw}, not {self.values[other]:g}"
        return None

    def _se_printed(self, occ: Occurrence, sd_role: str) -> bool | None:
        """Whether the group's spread is a standard error that gives the SD (SE × √n):
        True if it does, False if the number at the SD's place is an SE that does not
        give it (a quoted SE is no SD), None when the spread is no SE."""
        group = occ.value_group
        if len(group.numbers) != 2 or not _says_se(self._spread_label(occ)):
            return None
        size = self.values.get("n1i" if sd_role == "sd1i" else "n2i")
        sd = self.values.get(sd_role)
        if size is None or sd is None or size <= 0:
            return False
        se = group.numbers[1]
        root = math.sqrt(size)
        return abs(se.value * root - sd) <= (_half_unit(se.raw) + 1e-9) * root + 0.005

    def _spread_label(self, occ: Occurrence) -> str:
        """What names the spread beside a mean: the column header, else the table's
        header and caption (or the sentence itself)."""
        unit = occ.unit
        if unit.kind == "text":
            return unit.text
        header = self.column_header(occ)
        if _says_se(header) is not None:
            return header
        return f"{unit.header} {unit.section} {unit.caption}"

    def _sd_from_se(self, role: str) -> list[Occurrence]:
        """Where the SD is printed as a standard error beside the arm's mean ("748.88
        (87.12)" under "Mean (SE)", n = 40: SD = 87.12 × √40 = 551.0): the SE's place."""
        mean = self.values.get("m1i" if role == "sd1i" else "m2i")
        if mean is None:
            return []
        out = []
        for occ in self.checker.locator.find(mean):
            group = occ.value_group
            if occ.position != 0 or group.pair not in ("pm", "paren"):
                continue
            spread = Occurrence(occ.unit, occ.group, 1)
            if self._se_printed(spread, role) is True:
                out.append(spread)
        return out

    def _beside(self, sibling: str, other_arm: str, occ: Occurrence) -> bool:
        value = self.values[sibling]
        unit = occ.unit
        for g, group in enumerate(unit.groups):
            if g == occ.group:
                continue
            number = group.numbers[occ.position] if occ.position < len(group.numbers) else None
            if number is not None and abs(abs(number.value) - abs(value)) < 1e-9:
                probe = Occurrence(unit, g, occ.position)
                if self.arm_at(probe) == other_arm:
                    return True
        return self._below(sibling, other_arm, occ)

    def _below(self, sibling: str, other_arm: str, occ: Occurrence) -> bool:
        """Arms as rows ("Before | 19 | 6.00", "After | 19 | 1.00"): the other arm's value in
        the same column of the other arm's row, in the same block of the same table. A
        group size must stand in a column of counts ("n")."""
        unit = occ.unit
        if unit.kind != "table" or occ.group >= len(unit.cells):
            return False
        if self._arm_of_label(unit.label) is None:
            return False
        if sibling in ("n1i", "n2i") and not _COUNT.match(self.column_header(occ)):
            return False
        cell = unit.cells[occ.group]
        value = self.values[sibling]
        for other in self.checker.locator.units:
            if other is unit or other.table != unit.table or other.section != unit.section:
                continue
            if other.kind != "table" or self._arm_of_label(other.label) != other_arm:
                continue
            for g, group in enumerate(other.groups):
                if g >= len(other.cells) or other.cells[g] != cell:
                    continue
                if occ.position >= len(group.numbers) or group.pair != occ.value_group.pair:
                    continue
                if abs(group.numbers[occ.position].value - value) < 1e-9:
                    return True
        return False

    def _other_column(self, occ: Occurrence, arm: str) -> str:
        """The same arm again in this row under another column (another timepoint or
        measure: "Pre-test", "Post-test"), unless the target names this column's."""
        unit = occ.unit
        if unit.kind == "text":
            return ""
        mine = self.column_header(occ)
        # Arms as rows ("Fluoxetine | 79/101 | 78.2 | 0.465"): every column of the row is the
        # arm's, most of them other measures of the same value; a rival names a time.
        by_row = self.arms.arm_of(mine) is None and self._arm_of_label(unit.label) == arm
        for g in range(len(unit.groups)):
            if g == occ.group:
                continue
            probe = Occurrence(unit, g, 0)
            theirs = self.column_header(probe)
            if theirs == mine or self.arm_at(probe) != arm or _statistic(theirs):
                continue
            if _shape(unit.groups[g]) != _shape(occ.value_group):
                # "172.3 (10.4) | 0.626": the same measure at another time is printed the
                # way this one is; a lone number beside a mean (SD) is a test's result
                # under a header the parser ran together with the arm's.
                continue
            if by_row and not _names_time(self._timed(theirs)):
                continue
            if self._names_section(mine, theirs):
                continue
            if _no_rival(self._timed(theirs), self._timed(mine)):
                continue
            shown = f" under {theirs[:60]!r}" if theirs else ""
            return f"the row prints this arm again{shown}: which timepoint or measure?"
        return ""

    def _other_timepoint(self, occ: Occurrence, arm: str) -> str:
        """Another row with this row's label and other numbers (another timepoint), or ""."""
        unit = occ.unit
        if unit.kind == "text":
            return ""
        numbers = {n.value for g in unit.groups for n in g.numbers}
        when = f"{unit.section} {self.column_header(occ)}"
        timed = self._names_only_time(unit)
        if timed:  # "Postop 3rd mo": the row's label is its time
            when = f"{unit.label} {when}"
        for other in self.checker.locator.units:
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
            if not sibling and not _same_label(other.label, unit.label):
                continue
            if {n.value for g in other.groups for n in g.numbers} == numbers:
                continue  # the same row read twice (a parsed table and its text)
            if len(other.groups) < 2:
                continue
            if other.table != unit.table and not self.outcome_bound(other, other.header):
                continue  # "Total" in a table of another outcome: not a second timepoint
            if not any(
                self.arm_at(Occurrence(other, g, 0)) == arm for g in range(len(other.groups))
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
            if sibling:
                theirs = f"{other.label} {theirs}"
            mine = when
            if other.table != unit.table:
                # Table 1 "at baseline" against Table 2 "changes from week 0": in another
                # table, the caption says which time its rows are.
                theirs, mine = f"{theirs} {other.caption}", f"{mine} {unit.caption}"
            mine = self._timed(mine)
            if not self._wants_time_of(theirs, mine) and _no_rival(theirs, mine):
                continue
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
            if self.arm_at(probe) == arm:
                return probe
        return None

    def _arm_header(self, unit: Unit, arm: str) -> str:
        """The column header of the first value group of `unit` under `arm` ("" if none)."""
        for g in range(len(unit.groups)):
            probe = Occurrence(unit, g, 0)
            if self.arm_at(probe) == arm:
                return self.column_header(probe)
        return ""

    def _timed(self, header: str) -> str:
        """A header with the meaning of the time labels the paper defines ("T1: Pre-
        intervention"): "Experimental T1" reads "Experimental T1 Pre-intervention"."""
        meanings = [
            meaning
            for label, meaning in self.checker.time_labels.items()
            if contains_term(header, label)
        ]
        return " ".join([header, *meanings])

    def _wants_time_of(self, theirs: str, mine: str) -> bool:
        """The target names the other place's time and not this one's ("baseline body
        weight": Table 1 "at baseline", not Table 2 "changes from week 0")."""
        target = self.outcome_text
        if _baseline(target) and _baseline(theirs) and not _baseline(mine):
            return True
        return bool(_time_tokens(target) & (_time_tokens(theirs) - _time_tokens(mine)))

    def _names_section(self, mine: str, theirs: str) -> bool:
        # The target names this row's section and not the other's ("late", "24 h").
        target = stems(self.outcome_text, keep_generic=True) | _time_tokens(self.outcome_text)
        own = stems(mine, keep_generic=True) | _time_tokens(mine)
        other = stems(theirs, keep_generic=True) | _time_tokens(theirs)
        return bool(target & (own - other))

    def _size_checks(
        self, role: str, arm: str, occurrences: list[Occurrence]
    ) -> list[tuple[int, list[str], list[tuple[str, str]], Occurrence | None]]:
        sizes = self.arm_sizes()
        value = self.values[role]
        events = "ai" if role == "n1i" else "ci"
        passed: list[str] = []
        failed: list[tuple[str, str]] = []
        if value in sizes[arm]:
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
                if occ.position == 0 and self._pair(events, occ) is True:
                    passed.append(Passed.pair)
                    if self.arm_at(occ) == arm:  # "11 (22 %)" under the arm: N is its N
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
                    if self.arm_at(occ) == arm and self._analysed(occ):
                        found.add(group.second.value)
            self._analysed_sizes[arm] = found
        return self._analysed_sizes[arm]

    def _analysed(self, occ: Occurrence) -> bool:
        """Whether events printed out of their N ("79/101") stand in the outcome's row."""
        pair = occ.value_group.pair in ("slash", "of") and occ.value_group.second is not None
        return pair and self.outcome_bound(occ.unit, self.column_header(occ))

    def effects(self, roles: EffectRoles, results: dict[str, RoleResult]) -> None:
        """An estimate printed beside the values must follow from them."""
        v = self.values
        binary = all(r in v for r in ("ai", "n1i", "ci", "n2i"))
        continuous = all(r in v for r in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"))
        if not (binary or continuous):
            return
        if binary and not (0 <= v["ai"] <= v["n1i"] and 0 <= v["ci"] <= v["n2i"]):
            return  # no 2x2 table: the rules flag it
        if continuous and min(v["n1i"], v["n2i"], v["sd1i"], v["sd2i"]) <= 0:
            return
        wanted = BINARY_ROLES if binary else CONTINUOUS_ROLES
        units = {id(r.where.unit): r.where.unit for r in results.values() if r.where}
        for unit in units.values():
            for match in _ESTIMATE.finditer(unit.text):
                measure = _measure(match.group("measure"), binary)
                if measure is None:
                    continue
                printed = float(match.group("value").replace("·", ".").replace("−", "-"))
                expected = _expected(measure, v, binary)
                if expected is None:
                    continue
                tolerance = _half_unit(match.group("value")) + 0.011 * abs(printed)
                ok = any(abs(e - printed) <= tolerance for e in expected)
                for role in wanted:
                    name = roles.field(role)
                    if name not in results:
                        continue
                    if ok:
                        results[name].passed.append(Passed.effect)
                    else:
                        shown = ", ".join(f"{e:.3g}" for e in expected)
                        results[name].findings.append(
                            Finding(
                                code=RoleCode.effect_mismatch,
                                message=f"the paper prints {match.group(0)!r}; the values give "
                                f"{shown}",
                            )
                        )
                return


def _size_of(match: re.Match[str]) -> float:
    return float(match.group(1).replace(",", ""))


def _sizes_follow_events(
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
                        f"{_where(where.unit)}",
                    )
                )


def _measure(name: str, binary: bool) -> str | None:
    key = name.lower()
    if key in ("or", "odds ratio"):
        return "OR" if binary else None
    if key in ("rr", "risk ratio", "relative risk"):
        return "RR" if binary else None
    if key in ("rd", "risk difference"):
        return "RD" if binary else None
    if key in ("md", "mean difference", "difference"):
        return None if binary else "MD"
    return None


def _expected(measure: str, v: Mapping[str, float], binary: bool) -> list[float] | None:
    """The estimate in both directions (papers compare either arm with the other)."""
    # statsmodels costs ~2 s to import: only when a paper prints an estimate, not at the
    # start of every `extract`.
    from schemas.effect_sizes import binary_effect, mean_difference

    if binary:
        yi, _, _ = binary_effect(measure, [v["ai"]], [v["n1i"]], [v["ci"]], [v["n2i"]])
        y = float(yi[0])
        if measure == "RD":
            return [y, -y, 100 * y, -100 * y]
        return [math.exp(y), math.exp(-y)]
    yi, _ = mean_difference(
        [v["m1i"]], [v["sd1i"]], [v["n1i"]], [v["m2i"]], [v["sd2i"]], [v["n2i"]]
    )
    return [float(yi[0]), -float(yi[0])]


def _half_unit(raw: str) -> float:
    text = raw.replace("·", ".").rstrip("% ")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10**-decimals


_TIME_TOKEN = re.compile(
    r"(\d+)\s*-?\s*(h|hr|hrs|hours?|d|days?|w|wk|wks|weeks?|mo|mos|months?|y|yr|yrs|years?|min)\b",
    re.IGNORECASE,
)


# A timepoint before treatment began: the baseline an outcome is measured against, never
# the outcome itself (annotators and Cochrane take the post-intervention values).
_BASELINE = re.compile(
    r"\b(?:baseline|pre-?test|pre-?treatment|pre-?intervention|pre-?randomi[sz]ation|"
    r"before (?:the )?(?:intervention|treatment|training|program(?:me)?|study)|"
    r"at (?:entry|enrol?ment|inclusion|randomi[sz]ation)|(?:week|day|month)\s*0|T0|"
    r"pre(?![-\w]))\b",  # "Pre: Mean (SE)" beside "Post: Mean (SE)"; not "pre-operative"
    re.IGNORECASE,
)
# The end of the intervention: the timepoint a trial's outcome data are taken at.
_END = re.compile(
    r"\b(?:post-?test|post-?intervention|post-?treatment|post-?training|"
    r"after (?:the )?(?:intervention|treatment|training|program(?:me)?)|"
    r"end of (?:the )?(?:intervention|treatment|therapy|training|program(?:me)?|study|trial)|"
    r"post(?![-\w]|\s+hoc))\b",
    re.IGNORECASE,
)
# The whole randomised population, beside its subgroups ("Children", "Adolescents").
_OVERALL = re.compile(
    r"\b(?:overall|all (?:patients|participants|subjects|ages)|whole (?:sample|population))\b",
    re.IGNORECASE,
)
# A reference or a link: its slashes and numbers are no data.
_CITATION = re.compile(r"\bdoi\b|https?://|www\.|\bet al\b", re.IGNORECASE)
# A column of counts of patients ("n", "No.", "Number of patients").
_COUNT = re.compile(r"^\W*(?:n|no\.?|number)\b", re.IGNORECASE)
# A column of test results beside the arms' values ("p-value; Intervention (control)").
_STATISTIC = re.compile(
    r"^\W*(?:p|p[- ]?values?|sig\.?|significance|f|t|z|df|χ2|chi|η2|es|effect size|"
    r"or|rr|hr|md|smd|95\s?%\s?ci|ci|difference)(?![\w.-])",
    re.IGNORECASE,
)


# "Mean change from baseline", "changes from week 0 to week 12": a change measured against
# the baseline, taken after it, not the baseline itself.
_FROM_BASELINE = re.compile(
    r"\b(?:from|since|relative to|compared (?:with|to)|over)\s+(?:the\s+)?"
    r"(?:baseline|pre-?(?:test|treatment|intervention|randomi[sz]ation)|(?:week|day|month)\s*0|T0)\b",
    re.IGNORECASE,
)


_SE = re.compile(r"\b(?:SEM?|S\.E\.(?:M\.)?|(?i:standard errors?))(?![\w.])")
_SD_WORD = re.compile(r"\b(?:SD|S\.D\.|(?i:standard deviations?))(?![\w.])")


def _says_se(text: str) -> bool | None:
    """True: the text names a standard error (and no SD); False: an SD; None: neither."""
    se, sd = _SE.search(text) is not None, _SD_WORD.search(text) is not None
    if se == sd:
        return None
    return se


def _baseline(text: str) -> bool:
    return _BASELINE.search(_FROM_BASELINE.sub(" ", text)) is not None


def _overall(text: str) -> bool:
    return _OVERALL.search(text) is not None


def _statistic(header: str) -> bool:
    return _STATISTIC.search(header) is not None


_TIME_LABEL = r"(?:T|V|W|M|Visit|Time|Week|Wk|Month|Day)\s?\d{1,2}"
_TIME_LABEL_FIRST = re.compile(
    rf"\b(?P<label>{_TIME_LABEL})\s*(?:[:=]|\(|,)\s*(?P<what>[A-Za-z][A-Za-z -]{{2,40}})"
)
_TIME_LABEL_AFTER = re.compile(
    rf"(?P<what>\b[A-Za-z][A-Za-z -]{{2,40}}?)\s*\(\s*(?P<label>{_TIME_LABEL})\s*\)"
)


def time_labels(text: str) -> dict[str, str]:
    """Time labels the paper defines as a baseline or the end of the intervention ("T1:
    Pre-intervention, T2: Post-intervention", "post-test (T2)"): label -> that meaning."""
    found: dict[str, set[str]] = {}
    matches = [*_TIME_LABEL_FIRST.finditer(text), *_TIME_LABEL_AFTER.finditer(text)]
    for match in matches:
        what = match.group("what")
        meaning = "baseline" if _baseline(what) else "post-test" if _END.search(what) else ""
        if meaning:
            found.setdefault(match.group("label"), set()).add(meaning)
    # A label defined both ways ("T1 = baseline" in one trial, "post-test (T1)") is no
    # label to trust.
    return {label: next(iter(m)) for label, m in found.items() if len(m) == 1}


def _no_rival(theirs: str, mine: str) -> bool:
    """Whether the other place's timepoint is no rival of this one's.

    A baseline is none for a value after it (the baseline value itself stays flagged:
    for it, the other place is no baseline); subgroups are none for the overall value. A
    later follow-up is none for a value at the end of the intervention ("Post-test" beside
    "Follow up after 4 months"): the outcome data of a trial are its end-of-treatment
    values unless the target names another time; a follow-up value stays flagged (the
    post-test is its rival).
    """
    if _baseline(theirs) and not _baseline(mine):
        return True
    if _overall(mine) and not _overall(theirs):
        return True  # "Overall" beside "Children", "Adolescents": subgroups of it
    return _end_of_treatment(mine) and _follow_up(theirs)


def _names_time(text: str) -> bool:
    """A header naming a timepoint ("Week 8", "3 months follow-up", "Post-test")."""
    if _baseline(text) or _END.search(text) or _time_tokens(text):
        return True
    return re.search(r"\b(?:follow|week|month|day|visit|year|pre|post)", text, re.I) is not None


def _end_of_treatment(text: str) -> bool:
    """A timepoint named as the end of the intervention, with no later time in it ("6
    months after the intervention" is a follow-up)."""
    if _END.search(text) is None or _baseline(text) or _time_tokens(text):
        return False
    return re.search(r"follow", text, re.IGNORECASE) is None


def _follow_up(text: str) -> bool:
    """A timepoint named as after the end of the intervention ("Follow up after 4 months",
    "6 months"), not a baseline and not the end itself."""
    if _baseline(text) or _end_of_treatment(text):
        return False
    return bool(_time_tokens(text)) or re.search(r"follow", text, re.IGNORECASE) is not None


def _time_tokens(text: str) -> set[str]:
    """ "6 months", "6-month", "6 mo" -> {"6mo"}; "24 h", "24-hour" -> {"24h"}."""
    out = set()
    for match in _TIME_TOKEN.finditer(text):
        unit = match.group(2).lower()
        unit = "mi" if unit == "min" else "mo" if unit.startswith("mo") else unit[0]
        out.add(f"{match.group(1)}{unit}")
    return out


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


def _fits(role: str, occ: Occurrence) -> bool:
    """Whether a number stands where a value of this role can: SDs are paired numbers."""
    group = occ.value_group
    if role in ("sd1i", "sd2i"):
        return occ.position == 1 and group.pair in ("pm", "paren") and len(group.numbers) == 2
    if role in ("ai", "ci", "m1i", "m2i"):
        return occ.position == 0
    return True


def _counted_share(role: str, occ: Occurrence) -> bool:
    """A binary outcome's group size printed with a share under 100 ("705 (61.9)"): a
    count of events out of a larger whole (embryos, visits), not the arm's N."""
    group = occ.value_group
    if role not in ("n1i", "n2i") or group.pair != "paren" or len(group.numbers) != 2:
        return False
    return occ.position == 0 and 0 < group.numbers[1].value < 100


def _same_label(first: str, second: str) -> bool:
    """Two row labels name the same thing: the same words, or the same letters once the
    separators go ("Met-min/Week" in one table, "Metmin/Week" in the next)."""
    if stems(first, keep_generic=True) == stems(second, keep_generic=True):
        return True
    return re.sub(r"[^a-z0-9]", "", fold_text(first)) == re.sub(r"[^a-z0-9]", "", fold_text(second))


def _where(unit: Unit) -> str:
    if unit.kind == "text":
        return "the sentence"
    label = f" {unit.label[:40]!r}" if unit.label else ""
    return f"the table row{label}"


def column_labels(header: str, arms: Arms) -> list[str | None]:
    """The arm of each value column, read from a header in order ("Group H0 (n = 50) Group
    H1 ..."): group labels, else the two arms as the header names them."""
    if not header:
        return []
    labels = [m.group() for m in _GROUP_LABEL.finditer(header)]
    labels = list(dict.fromkeys(" ".join(label.lower().split()) for label in labels))
    if len(labels) >= 2:
        return [arms.arm_of(label) for label in labels]
    parts = [p for p in _SIZE.split(header)[::2] if p.strip()]
    if len(parts) >= 2:
        return [arms.arm_of(p) for p in parts]
    mentions = arms.mentions(header)
    order = list(dict.fromkeys(m[2] for m in mentions))
    return list(order) if len(order) == 2 else []


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
