"""Outcome binding: does a table row or a sentence name the target's outcome, at least as
well as the paper's best-matching row or sentence does?

A row "Nausea" shares a word with "nausea and vomiting (PONV)" but names it less well than
"Total PONV"; a sentence about the sensory block names two of the three words of
"duration of motor block". Measuring each place against the paper's best place keeps the
row or sentence of another outcome from binding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from extractor.document import Section
from extractor.locate import Locator, Unit, ValueGroup
from extractor.roles.arms import Arms
from extractor.roles.timepoints import TIME_STEMS, WHEN_WORDS
from extractor.terms import abbreviations, coverage, expand, initialisms, stem, stems

OUTCOME_MIN = 0.6  # share of the outcome's words a sentence must name


ROW_MIN = 0.4  # how well (F1 of words) a table row must name the outcome


OUTCOME_SLACK = 0.15  # how far below the paper's best-matching row a row may fall


# Words of a column header that name a statistic, not an outcome ("Mean ± SD", "IQR").
_SPREADS = frozenset(stem(w) for w in ["sd", "se", "sem", "iqr", "ci", "range", "median"])


# The two sexes as papers name a subgroup ("women", "Males", "girls").
_SEXES = (
    re.compile(r"\b(?:women|woman|females?|girls?)\b", re.IGNORECASE),
    re.compile(r"\b(?:men|man|males?|boys?)\b", re.IGNORECASE),
)


@dataclass
class OutcomeBinding:
    """How well each place of the paper names one target's outcome."""

    arms: Arms
    words: set[str]  # the outcome's words, abbreviations expanded, without its time
    abbrevs: dict[str, set[str]]
    text: str  # the target's outcome as written ("death at 90 days")
    locator: Locator

    @classmethod
    def of_target(
        cls, text: str, paper_abbrevs: dict[str, set[str]], arms: Arms, locator: Locator
    ) -> OutcomeBinding:
        """The binding of the outcome `text`, with the paper's abbreviations and the
        target's own ("postoperative nausea and vomiting (PONV)")."""
        local = {**initialisms(text), **abbreviations([text])}
        abbrevs = {**paper_abbrevs, **local}
        # The target's time ("death at 90 days") is the timepoint check's, not a word the
        # row or sentence must name for the outcome.
        outcome = expand(stems(text), abbrevs)
        outcome = outcome - TIME_STEMS or outcome
        return cls(arms, outcome, abbrevs, text, locator)

    def cover(self, unit: Unit, header: str = "") -> float:
        """How well a sentence, or a row with its column header, names the target outcome.

        A sentence: the share of the outcome's words it holds. A row: that share balanced
        (F1) with the share of the row label's own words that are the outcome's, so a row
        "Nausea" names "nausea and vomiting (PONV)" less well than "Total PONV" does; an
        arm's name as the row label (arms as rows) counts for neither.
        """
        found = expand(stems(f"{unit.context} {header}"), self.abbrevs)
        recall = coverage(self.words, found)
        if unit.kind == "text":
            return recall
        own = expand(stems(unit.context), self.abbrevs) - self.arms.all_words - TIME_STEMS
        if not own - WHEN_WORDS:
            # "Preop", "Post", "Postop 3rd mo", "Group B": a row that names only its time or
            # its arm takes its outcome from the columns and the caption ("Table 3. /a/
            # vowel's voice analysis", "Comparison of burning sensation").
            # A row without a label (a wrapped row's second line) names nothing itself; a
            # column headed by another outcome's words ("Nausea" under a caption naming
            # "pain and nausea") is that outcome's, whatever the caption lists.
            column = expand(stems(header), self.abbrevs) - self.arms.all_words
            column -= TIME_STEMS | WHEN_WORDS | _SPREADS
            if not unit.label.strip() or (column and not column & self.words):
                return recall
            caption = expand(stems(f"{unit.context} {header} {unit.caption}"), self.abbrevs)
            return coverage(self.words, caption)
        precision = len(own & self.words) / len(own)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @cached_property
    def best_row(self) -> float:
        """How well the paper's best table row names the outcome."""
        rows = [u for u in self.locator.units if u.kind != "text"]
        return max((self.cover(u) for u in rows), default=0.0)

    @cached_property
    def best_sentence(self) -> float:
        """How well the paper's best sentence with numbers names the outcome, among the
        sentences that may report it: the introduction's and the discussion's name the
        outcome with others' numbers ("Rocuronium produces withdrawal response in 50-80%
        of patients"), and are no rival place of this trial's values."""
        document = self.locator.document
        texts = [
            u
            for u in self.locator.units
            if u.kind == "text"
            and not _framing(document.section_at(u.char_start or 0))
            and not _FRAMING.match(u.text)  # "Background Rocuronium ..." in an abstract
            and any(not _MODIFIER.match(u.text, g.end) for g in u.groups)
        ]
        return max((self.cover(u) for u in texts), default=0.0)

    def bound(self, unit: Unit, header: str = "", at: ValueGroup | None = None) -> bool:
        """Whether a row (with its column header) or a sentence names the outcome: well
        enough, and nearly as well as the paper's best row or sentence. With `at`, a value
        of the sentence: the sentence up to the end of that value's clause."""
        if unit.kind == "text" and at is not None:
            unit = _up_to_clause_end(unit, at)
        if _other_sex(self.text, f"{unit.context} {header}"):
            return False  # the men's figures are not the women's subgroup outcome
        cover = self.cover(unit, header)
        if unit.kind == "text":
            # "The duration of sensory block was ..." names two of the three words of
            # "duration of motor block", but the sentence printing the motor block's
            # numbers names all three: a sentence is measured against the paper's best.
            return cover >= OUTCOME_MIN and cover >= self.best_sentence - OUTCOME_SLACK
        return cover >= ROW_MIN and cover >= self.best_row - OUTCOME_SLACK


# Sections (and a structured abstract's parts) that frame a trial rather than report its
# results: why it was done, how it was measured, what it means.
_FRAMING = re.compile(
    r"^\W*(?:\d+(?:\.\d+)*\.?\s*)?(?:introduction|background|objectives?|aims?|"
    r"(?:materials?|patients?|subjects?)?\s*(?:and\s+)?methods?|discussion|conclusions?)\b",
    re.IGNORECASE,
)


# A number that only qualifies a word ("a 4-point scale", "24-hour"): no value reported.
_MODIFIER = re.compile(r"-[A-Za-z]")


def _framing(section: Section | None) -> bool:
    return section is not None and _FRAMING.match(section.heading) is not None


# Where a sentence moves on to another outcome: "..., as was the severity of any neonatal
# respiratory disease", "...; the duration of ...", "— whereas ...".
_CLAUSE_END = re.compile(r"\s*(?:;|—|,\s*(?:as (?:was|were|did)|whereas|while|but)\b)")


def _up_to_clause_end(unit: Unit, at: ValueGroup) -> Unit:
    """A sentence cut after the clause a value stands in: the outcome its value is of is
    named before the value or in its own clause, not in a later clause of another outcome
    ("RDS was similar—42/402 in ...—as was the severity of any respiratory disease")."""
    end = _CLAUSE_END.search(unit.text, at.end)
    return replace(unit, text=unit.text[: end.start()]) if end else unit


def _other_sex(outcome: str, where: str) -> bool:
    """Whether the target is one sex's subgroup and the place names only the other."""
    target = [bool(sex.search(outcome)) for sex in _SEXES]
    found = [bool(sex.search(where)) for sex in _SEXES]
    return sum(target) == 1 and sum(found) == 1 and target != found
