"""Which arm a header, a row label or a sentence names: the target's arm words, group labels
defined in the paper, and arms named in order ("respectively").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import pairwise

from extractor.document import Document
from extractor.locate import Unit, contains_term, fold_text
from extractor.roles.codes import OTHER
from extractor.roles.order import LISTED_BETWEEN, RESPECTIVELY
from extractor.roles.sizes import SIZE
from extractor.terms import (
    CONTROL,
    abbreviations,
    quantities,
    stem,
    stems,
    words,
)

# How a paper says what a group had: "received X", "were instructed to apply X".
_DEFINING_VERB = (
    r"(?:received|(?:was|were) given|(?:was|were) treated with|"
    r"(?:was|were) (?:instructed|asked|advised) to (?:apply|use|take|receive))"
)


# "Group A", "Group “A”" (quoted the way some journals print a label).
_QUOTES = "\"“”'‘’"
_LABEL_DEF = re.compile(
    rf"\b(?P<label>(?:[Gg]roups?|[Aa]rms?)\s+[{_QUOTES}]?[A-Za-z0-9][\w-]{{0,5}}[{_QUOTES}]?"
    r"|[A-Z][A-Za-z0-9-]{0,5}(?:\s+group)?)"
    r"\s*(?:\(\s*[nN]\s*=\s*\d+\s*\))?\s*"
    rf"(?P<verb>=|:|consisted of|\(|{_DEFINING_VERB})\s*"
    # What the group had, up to the next group's label; read ahead, so that the next
    # label's own definition is matched too ("Group A received X and Group B received Y").
    # "0.75% ropivacaine": a decimal goes on.
    r"(?=(?P<what>(?:(?![Gg]roups?\b)(?:[^,;.()]|(?<=\d)\.(?=\d))){3,80}))"
)


# "Those in group L, group K, and group R received lidocaine 40 mg, ketamine 0.5 mg/kg,
# and remifentanil 1 μg/kg, respectively": several labels defined in one sentence, in order.
_LABEL_TOKEN = r"(?!and\b)[a-z0-9][\w-]{0,4}\b"  # "L", "H1", "II"
_LIST_LABEL = re.compile(rf"\b(?:(?:group|arm)s?\s+)?({_LABEL_TOKEN})", re.IGNORECASE)
_LABEL_LIST = re.compile(
    rf"\b(?P<labels>(?:group|arm)s?\s+{_LABEL_TOKEN}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+|"
    rf"\s*&\s*)(?:(?:group|arm)s?\s+)?{_LABEL_TOKEN})+)\s+{_DEFINING_VERB}\s+"
    r"(?P<whats>(?:[^.;]|(?<=\d)\.(?=\d)){3,240}?),?\s+respectively",
    re.IGNORECASE,
)


# Words and statistics that a "X = ..." or "X (...)" pattern catches but that name no arm.
_NOT_LABELS = frozenset(
    ["the", "a", "in", "and", "of", "this", "we", "all", "p", "n", "or", "rr", "hr", "ci", "sd",
     "se", "md", "iqr", "vs", "no", "table", "fig", "figure", "group", "groups", "arm", "arms"]
)  # fmt: skip


_NEGATION = r"(?:without|no|non|not)\b[\s-]*"
_NEGATED = re.compile(rf"^\s*{_NEGATION}(?P<rest>.+)", re.IGNORECASE)


# Right before an arm's word: a negation that makes it the other arm ("No intervention").
_NEGATION_BEFORE = re.compile(r"\b(?:no|non|without)[\s-]+$", re.IGNORECASE)


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


# "22 patients treated with TPLU (Group I)": a group label right after the arm's name, on
# one line (a flattened header's "F-URS Group\t p value (Group I)" defines nothing).
_LABEL_AFTER_NAME = re.compile(
    r"(?P<what>\b[\w-]+(?: [\w-]+){0,3}) ?\(\s*(?P<label>(?:[Gg]roup|[Aa]rm)\s+"
    r"[A-Z0-9][A-Za-z0-9-]{0,4})\s*\)"
)


# "in group I and II", "groups A and B": two labels sharing one word "group", the second
# elided.
_ELIDED_LABELS = re.compile(
    r"\b(?P<word>group|arm)s?\s+(?P<first>[a-z0-9-]{1,5})\s*(?:,|and|&|or|vs\.?|versus)\s*"
    r"(?P<second>[a-z0-9-]{1,5})(?![a-z0-9])"
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


class Arms:
    """The two arms of a target, by the words that tell them apart and their group labels."""

    def __init__(self, intervention: str, comparator: str, document: Document | None) -> None:
        own = {"intervention": stems(intervention), "comparator": stems(comparator)}
        self.named = dict(own)  # the stems of each arm's name as given, nothing added
        for arm in own:
            control = {stem(w) for w in CONTROL}
            if own[arm] & control and not own[OTHER[arm]] & control:
                own[arm] = own[arm] | control
        self.own = own  # every stem of each arm's name (shared words included)
        # What an arm's name says it is without ("Saline without quinine": quinine).
        self.without: dict[str, set[str]] = {}
        for arm, name in (("intervention", intervention), ("comparator", comparator)):
            lacking = _WITHOUT.search(name)
            self.without[arm] = (
                stems(lacking.group("rest")) - stems(name[: lacking.start()]) if lacking else set()
            )
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

    @property
    def all_words(self) -> set[str]:
        """Every stem that names an arm: its own words and its labels' ("group b": "b")."""
        labelled = {w for labels in self.labels.values() for label in labels for w in stems(label)}
        return self.terms["intervention"] | self.terms["comparator"] | labelled

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
        found, lists = _listed_labels(text)
        found += [
            (m.group("label"), m.group("what"), m.group("verb"))
            for m in _LABEL_DEF.finditer(text)
            if not any(start <= m.start() < end for start, end in lists)
        ]
        found += [(m.group("label"), m.group("what"), "(") for m in _LABEL_AFTER.finditer(text)]
        found += [
            (m.group("label"), m.group("what"), "(") for m in _LABEL_AFTER_NAME.finditer(text)
        ]
        for raw, what, verb in found:
            arm = self._arm_by_words(what)
            # "HRQoL (intervention women: p = 0.58)": a test's result, no definition.
            if arm is None or _TEST_RESULT.search(what):
                continue
            label = _label_key(raw)
            if (
                label in _NOT_LABELS
                or _WORD_AS_LABEL.fullmatch(label)
                or (not _GROUP_WORD.search(label) and not _bare_label(label, verb))
            ):
                continue
            votes.setdefault(label, {}).setdefault(arm, 0)
            votes[label][arm] += 1
        for label, counts in votes.items():
            if len(counts) == 1:
                self.labels[next(iter(counts))].add(label)

    def listed(self, unit: Unit, peers: list[int]) -> dict[int, str] | None:
        """Three values or more and as many names after them, "respectively" ("0.83, 0.92,
        0.74 and 0.82 g/l on normal saline, dextrose 5%, normal saline containing quinine
        and dextrose 5% containing quinine respectively"): each arm takes the value in the
        place of the one name that fits it best, and fits the other arm less (a trial of
        more arms than the target compares). None when the sentence is not built so; a
        value whose name fits neither arm (or both as well) has no arm, whatever else the
        sentence names."""
        if len(peers) < 3:
            return None
        groups = [unit.groups[g] for g in peers]
        if any(not LISTED_BETWEEN.match(unit.text[a.end : b.start]) for a, b in pairwise(groups)):
            return None
        tail = unit.text[groups[-1].end :]
        end = RESPECTIVELY.search(tail)
        if end is None:
            return None
        listing = _LIST_OPENING.sub("", tail[: end.start()], count=1)
        names = [n for n in _LIST_SEPARATOR.split(listing.strip(" ,;.")) if n.strip()]
        if len(names) != len(peers):
            return None
        fits = [{arm: self._fit(name, arm) for arm in self.own} for name in names]
        if not any(fit[arm] for fit in fits for arm in fit):
            return None  # names of timepoints or measures ("at baseline, 6 and 12 months")
        out: dict[int, str] = {}
        for arm in self.own:
            best = max(fit[arm] for fit in fits)
            places = [i for i, fit in enumerate(fits) if fit[arm] == best]
            if best > 0 and len(places) == 1 and fits[places[0]][OTHER[arm]] < best:
                out[peers[places[0]]] = arm
        return out

    def _fit(self, name: str, arm: str) -> float:
        """The share of an arm's words that a listed name holds; 0 when it holds what the
        arm's name says it is without."""
        if any(contains_term(name, label) for label in self.labels[arm]):
            return 1.0  # "group N", the label the paper gave the arm
        found = stems(name)
        if found & self.without[arm]:
            return 0.0
        wanted = self.named[arm] - self.without[arm]
        return len(found & wanted) / len(wanted) if wanted else 0.0

    def _arm_by_words(self, text: str) -> str | None:
        found = stems(text)
        scores = {arm: len(self.terms[arm] & found) for arm in self.terms}
        for arm, labels in self.labels.items():
            # "treated with F-URS (Group II)": an abbreviation learned as the arm's label
            scores[arm] += sum(1 for label in labels if contains_term(text, label))
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
        for _, _, arm, negated in self._word_mentions(text):
            if negated:  # "No intervention": counted above for the arm it negates
                scores[OTHER[arm]] -= 1
                scores[arm] += 1
        for arm, labels in self.labels.items():
            scores[arm] += 2 * sum(1 for label in labels if contains_term(text, label))
        return _winner(scores)

    def _word_mentions(self, text: str) -> list[tuple[int, int, str, bool]]:
        """(start, end, arm, negated) of every arm word: a word after "no", "non-" or
        "without" ("No intervention", "non-treated") names the other arm, the one without it."""
        out: list[tuple[int, int, str, bool]] = []
        for at, word in words(text):
            for arm, terms in self.terms.items():
                if stem(word) in terms or word in self.words[arm]:
                    negated = _NEGATION_BEFORE.search(text[max(0, at - 10) : at]) is not None
                    # "Without Internal Drainage": the negation covers the whole name
                    if out and out[-1][3] and not text[out[-1][1] : at].strip(" -"):
                        negated = True
                    out.append((at, at + len(word), OTHER[arm] if negated else arm, negated))
        return out

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, arm) of every arm word or label in `text`."""
        out = [(at, end, arm) for at, end, arm, _ in self._word_mentions(text)]
        lowered = text.lower()
        spans = []
        for arm, labels in self.labels.items():
            for label in labels:
                pattern = re.escape(label).replace(r"\ ", r"\s+")
                for match in re.finditer(r"(?<![a-z0-9])" + pattern + r"(?![a-z0-9])", lowered):
                    spans.append((match.start(), match.end(), arm))
        spans += [  # "groups I and II": "groups i" is no label, its letter is
            m for m in self._elided(lowered) if not any(s < m[1] and m[0] < e for s, e, _ in spans)
        ]
        # A word inside the other arm's label ("ICU-AW" in "without an ICU-AW diagnosis")
        # names that label's arm, not its own.
        out = [
            m for m in out if not any(s <= m[0] and m[1] <= e and a != m[2] for s, e, a in spans)
        ]
        spans = [
            m for m in spans if not any(s <= m[0] and m[1] <= e and a != m[2] for s, e, a in spans)
        ]
        return sorted(out + spans)

    def _elided(self, lowered: str) -> list[tuple[int, int, str]]:
        """Labels named with one shared word ("in group I and II", "groups A and B"): each
        letter is its label's arm when both labels are the two arms'."""
        arm_of = {label: arm for arm, labels in self.labels.items() for label in labels}
        out = []
        for match in _ELIDED_LABELS.finditer(lowered):
            word = match.group("word")
            first = arm_of.get(f"{word} {match.group('first')}")
            second = arm_of.get(f"{word} {match.group('second')}")
            if first is None or second is None or first == second:
                continue
            out.append((match.start("first"), match.end("first"), first))
            out.append((match.start("second"), match.end("second"), second))
        return out


def _label_key(raw: str) -> str:
    """A label as it is matched: lower case, unquoted, one space, "groups L" is "group l"."""
    label = " ".join(re.sub(f"[{_QUOTES}]", "", raw).split()).lower()
    return re.sub(r"^(group|arm)s\b", r"\1", label)


# "the control group and received ...": a word after "group", no label. A label is a
# letter, a number, a roman numeral or an abbreviation, seldom a lower-case word.
_WORD_AS_LABEL = re.compile(r"(?:group|arm) (?![ivx]+$)[a-z]{3,}")


def _listed_labels(text: str) -> tuple[list[tuple[str, str, str]], list[tuple[int, int]]]:
    """Labels defined in a list with "respectively" (label, what, verb), and the lists'
    spans (a label inside one is defined by its place in the list, not by what follows)."""
    found: list[tuple[str, str, str]] = []
    spans: list[tuple[int, int]] = []
    for match in _LABEL_LIST.finditer(text):
        labels = [f"group {m.group(1)}" for m in _LIST_LABEL.finditer(match.group("labels"))]
        whats = [w for w in _LIST_SEPARATOR.split(match.group("whats").strip(" ,")) if w.strip()]
        spans.append((match.start(), match.end()))
        if len(labels) == len(whats):
            found += [(label, what, "received") for label, what in zip(labels, whats, strict=True)]
    return found, spans


_ROLE_WORDS = {
    "intervention": frozenset({"intervention", "experimental", "treatment"}),
    "comparator": frozenset({"comparator", "control", "controls"}),
}


# Before the names a list of values is given for: the values' unit and a preposition
# ("g/l on ", "% in the ").
_LIST_OPENING = re.compile(
    r"^[\s%a-zA-Z/]{0,12}?\b(?:in|on|with|for|among|of)\s+(?:the\s+)?", re.IGNORECASE
)
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*;\s*", re.IGNORECASE)
# "Saline without quinine", "no gum": what the arm's name says it is without.
_WITHOUT = re.compile(rf"\b{_NEGATION}(?P<rest>[^,;()]+)", re.IGNORECASE)


def _informative(terms: set[str]) -> set[str]:
    # Bare numbers and one-letter words bind nothing in running text ("1", "a").
    return {t for t in terms if len(t) > 1 and not t.isdigit()}


def _winner(scores: Mapping[str, int]) -> str | None:
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked[0][1] > 0 and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return None


def same_label(first: str, second: str) -> bool:
    """Two row labels name the same thing: the same words, or the same letters once the
    separators go ("Met-min/Week" in one table, "Metmin/Week" in the next)."""
    if stems(first, keep_generic=True) == stems(second, keep_generic=True):
        return True
    return re.sub(r"[^a-z0-9]", "", fold_text(first)) == re.sub(r"[^a-z0-9]", "", fold_text(second))


def column_labels(header: str, arms: Arms) -> list[str | None]:
    """The arm of each value column, read from a header in order ("Group H0 (n = 50) Group
    H1 ..."): group labels, else the two arms as the header names them."""
    if not header:
        return []
    labels = [m.group() for m in _GROUP_LABEL.finditer(header)]
    labels = list(dict.fromkeys(" ".join(label.lower().split()) for label in labels))
    if len(labels) >= 2:
        return [arms.arm_of(label) for label in labels]
    parts = [p for p in SIZE.split(header)[::2] if p.strip()]
    # "Intervention No Intervention N = 326 N = 326 P": the sizes follow both names; a
    # part naming both arms is no one column's, the names' order decides.
    if len(parts) >= 2 and all(len({m[2] for m in arms.mentions(p)}) < 2 for p in parts):
        return [arms.arm_of(p) for p in parts]
    mentions = arms.mentions(header)
    order = list(dict.fromkeys(m[2] for m in mentions))
    return list(order) if len(order) == 2 else []
