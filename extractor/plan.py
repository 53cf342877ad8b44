"""Which text of a paper goes to the model for one field group.

The whole paper when it fits the token budget (the common case, and the one a
provider's prompt cache rewards). Otherwise the paper is cut into blocks at
section and table boundaries (long sections at paragraph breaks), each block is
scored for the group (words of the field names, descriptions and vocabularies;
for targeted forms, the target's intervention, comparator and outcome count
double; abstract, results and tables rank first; references last) and the best
blocks are kept, in reading order, until the budget is spent.

Tokens are counted with the counter the caller passes: the engine's own tokenizer where
one runs offline, else the calibrated estimate (`extractor.llm.tokens`), which errs high.
Blocks are chosen by characters at the paper's own characters-per-token ratio, then the
selection is counted and trimmed until it fits: the budget is a promise, not a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from extractor.document import Document
from extractor.key import DEFAULT_MAX_CONTEXT_TOKENS
from extractor.llm.tokens import estimate_tokens
from schemas.form import FieldSpec
from schemas.numbers import digit_share

GAP = "\n[...]\n"

_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_STOPWORD_TEXT = (
    "the and for with from that this are was were not its per any other each group "
    "which their than into when paper value values field number names name used using "
    "stated states state such whether more less one two all only also may can has have "
    "given written"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_HEADING_WEIGHT: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"abstract|summary|highlights"), 2.0),
    (re.compile(r"result|outcome|finding|efficacy|table"), 2.0),
    (re.compile(r"method|participant|patient|subject|design|intervention|procedure"), 1.2),
    (re.compile(r"introduction|background|discussion|conclusion|limitation"), 0.4),
    (
        re.compile(
            r"reference|bibliograph|acknowledg|funding|conflict|competing|declaration|"
            r"contribution|supplementary|abbreviation|ethic|availability"
        ),
        -2.0,
    ),
)


class TargetLike(Protocol):
    intervention: str
    comparator: str
    outcome: str


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    heading: str
    is_table: bool
    major: str = ""  # the last known kind of heading above it ("Results" over "3.2 Pain")


@dataclass(frozen=True)
class Context:
    """The text sent for one group and where it came from in `Document.text`."""

    text: str
    spans: tuple[tuple[int, int], ...]
    whole: bool

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)


def terms(texts: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        words.update(
            w for w in _WORD.findall(text.lower().replace("_", " ")) if w not in _STOPWORDS
        )
    return words


def _field_texts(specs: Sequence[FieldSpec]) -> list[str]:
    out: list[str] = []
    for spec in specs:
        out += [spec.name, spec.description, *spec.choices, *spec.choice_definitions.values()]
        out += _field_texts(spec.item_fields)
    return out


def _split_long(start: int, end: int, text: str, max_chars: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        cut = text.rfind("\n\n", start + max_chars // 2, start + max_chars)
        if cut < 0:
            cut = text.rfind("\n", start + max_chars // 2, start + max_chars)
        if cut < 0:
            cut = text.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut + 1 if cut >= 0 else start + max_chars
        pieces.append((start, cut))
        start = cut
    if end > start:
        pieces.append((start, end))
    return pieces


def blocks(document: Document, max_block_chars: int = 6000) -> list[Block]:
    """Cut the text at section and table boundaries, and long stretches at paragraphs."""
    text = document.text
    cuts = {0, len(text)}
    for section in document.sections:
        cuts.update((section.char_start, section.char_end))
    tables = [(t.char_start, t.char_end) for t in document.tables if t.char_start is not None]
    for start, end in tables:
        cuts.update((start, end or start))
    edges = sorted(c for c in cuts if 0 <= c <= len(text))
    out: list[Block] = []
    major = ""
    for a, b in pairwise(edges):
        section = document.section_at(a)
        heading = section.heading if section else ("front matter" if a == 0 else "")
        if _heading_weight(heading) is not None:
            major = heading
        in_table = any(s <= a < (e or s) for s, e in tables)
        for s, e in _split_long(a, b, text, max_block_chars):
            if text[s:e].strip():
                out.append(Block(s, e, heading, in_table, major))
    return out


def _heading_weight(heading: str) -> float | None:
    lowered = heading.lower()
    for pattern, weight in _HEADING_WEIGHT:
        if pattern.search(lowered):
            return weight
    return None


def _score(block: Block, text: str, group_terms: set[str], target_terms: set[str]) -> float:
    # A subsection without a telling name ("3.2 Pain at 12 weeks") counts as its parent.
    score = _heading_weight(block.heading)
    if score is None:
        score = _heading_weight(block.major) or 0.0
    if block.is_table:
        score += 2.0
    if block.start == 0:
        score += 1.5  # title and, for most parsers, the abstract
    words = set(_WORD.findall(text.lower()))
    if group_terms:
        score += 2.0 * len(words & group_terms) / len(group_terms)
    if target_terms:
        score += 6.0 * len(words & target_terms) / len(target_terms)
    return score + min(digit_share(text) * 20, 1.0)


def plan_context(
    document: Document,
    fields: Sequence[FieldSpec],
    target: TargetLike | None = None,
    max_tokens: int = DEFAULT_MAX_CONTEXT_TOKENS,
    count: Callable[[str], int] = estimate_tokens,
) -> Context:
    """The text for one field group, within `max_tokens` as `count` counts them."""
    text = document.text
    total = count(text)
    if total <= max_tokens:
        return Context(text=text, spans=((0, len(text)),), whole=True)
    group_terms = terms(_field_texts(fields))
    target_terms = (
        terms([target.intervention, target.comparator, target.outcome]) if target else set()
    )
    if any(f.kind.is_numeric for f in fields):
        group_terms |= {"table", "mean", "n"}
    # This paper's own ratio: dense tables and numbers take more tokens per character.
    budget_chars = int(max_tokens * len(text) / max(1, total))
    candidates = blocks(document, max_block_chars=max(400, budget_chars // 6))
    ranked = sorted(
        candidates,
        key=lambda b: -_score(b, text[b.start : b.end], group_terms, target_terms),
    )
    chosen: list[Block] = []
    used = 0
    for block in ranked:
        cost = block.end - block.start + len(GAP)
        if used + cost > budget_chars:
            continue  # a smaller block further down may still fit
        chosen.append(block)
        used += cost
    context = _joined(text, chosen)
    while chosen and count(context.text) > max_tokens:
        chosen.pop()  # the lowest-ranked block goes first: blocks denser than the paper
        context = _joined(text, chosen)
    return context


def _joined(text: str, chosen: list[Block]) -> Context:
    spans: list[tuple[int, int]] = []
    for block in sorted(chosen, key=lambda b: b.start):
        if spans and spans[-1][1] == block.start:
            spans[-1] = (spans[-1][0], block.end)
        else:
            spans.append((block.start, block.end))
    joined = GAP.join(text[s:e] for s, e in spans)
    if spans and spans[0][0] > 0:
        joined = GAP.lstrip("\n") + joined
    return Context(text=joined, spans=tuple(spans), whole=False)


def reversed_context(document: Document, context: Context) -> Context:
    """The same text as `context`, its blocks (sections, tables) in reverse order."""
    pieces = [
        (b.start, b.end)
        for b in blocks(document)
        if any(s <= b.start and b.end <= e for s, e in context.spans)
    ]
    if len(pieces) < 2:
        return context
    text = GAP.join(document.text[s:e] for s, e in reversed(pieces))
    return Context(text=text, spans=context.spans, whole=context.whole)
