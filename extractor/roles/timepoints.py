"""Timepoints and measures: baseline, end of treatment, follow-up, time labels (T1, Week
12), a spread named as an SE or an SD, and the statistics columns that are not arm values.
"""

from __future__ import annotations

import re

from extractor.terms import (
    TIME_WORDS,
    durations,
    stem,
)

TIME_STEMS = frozenset(stem(w) for w in TIME_WORDS)


# Words of a row label that say when, not what ("Pre", "Postop 3rd mo").
WHEN_WORDS = frozenset(
    stem(w)
    for w in ["pre", "post", "preop", "postop", "preoperative", "postoperative", "pretest",
              "posttest", "before", "after", "1st", "2nd", "3rd", "4th", "5th", "6th", "12th"]
)  # fmt: skip


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


_CI = re.compile(r"\b(?:CI|(?i:confidence intervals?))\b")


def says_ci(text: str) -> bool:
    """Whether the text names a confidence interval ("mean (95% CI)")."""
    return _CI.search(text) is not None


def says_se(text: str) -> bool | None:
    """True: the text names a standard error (and no SD); False: an SD; None: neither."""
    se, sd = _SE.search(text) is not None, _SD_WORD.search(text) is not None
    if se == sd:
        return None
    return se


def is_baseline(text: str) -> bool:
    return _BASELINE.search(_FROM_BASELINE.sub(" ", text)) is not None


def _overall(text: str) -> bool:
    return _OVERALL.search(text) is not None


def is_statistic(header: str) -> bool:
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
        meaning = "baseline" if is_baseline(what) else "post-test" if _END.search(what) else ""
        if meaning:
            found.setdefault(match.group("label"), set()).add(meaning)
    # A label defined both ways ("T1 = baseline" in one trial, "post-test (T1)") is no
    # label to trust.
    return {label: next(iter(m)) for label, m in found.items() if len(m) == 1}


def no_rival(theirs: str, mine: str) -> bool:
    """Whether the other place's timepoint is no rival of this one's.

    A baseline is none for a value after it (the baseline value itself stays flagged:
    for it, the other place is no baseline); subgroups are none for the overall value. A
    later follow-up is none for a value at the end of the intervention ("Post-test" beside
    "Follow up after 4 months"): the outcome data of a trial are its end-of-treatment
    values unless the target names another time; a follow-up value stays flagged (the
    post-test is its rival).
    """
    if is_baseline(theirs) and not is_baseline(mine):
        return True
    if _overall(mine) and not _overall(theirs):
        return True  # "Overall" beside "Children", "Adolescents": subgroups of it
    return _end_of_treatment(mine) and _follow_up(theirs)


def names_time(text: str) -> bool:
    """A header naming a timepoint ("Week 8", "3 months follow-up", "Post-test")."""
    if is_baseline(text) or _END.search(text) or durations(text):
        return True
    return re.search(r"\b(?:follow|week|month|day|visit|year|pre|post)", text, re.I) is not None


def _end_of_treatment(text: str) -> bool:
    """A timepoint named as the end of the intervention, with no later time in it ("6
    months after the intervention" is a follow-up)."""
    if _END.search(text) is None or is_baseline(text) or durations(text):
        return False
    return re.search(r"follow", text, re.IGNORECASE) is None


def _follow_up(text: str) -> bool:
    """A timepoint named as after the end of the intervention ("Follow up after 4 months",
    "6 months"), not a baseline and not the end itself."""
    if is_baseline(text) or _end_of_treatment(text):
        return False
    return bool(durations(text)) or re.search(r"follow", text, re.IGNORECASE) is not None
