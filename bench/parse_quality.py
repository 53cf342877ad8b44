"""Parse quality against the publishers' JATS XML, litextract beside pymupdf4llm, one run.

    .venv/bin/python bench/parse_quality.py                 # all figures (~6 min)
    .venv/bin/python bench/parse_quality.py --no-baseline   # litextract only (~1 min)
    .venv/bin/python bench/parse_quality.py --ablation      # + F1 with each heading cue off
    .venv/bin/python bench/parse_quality.py --verbose       # + per-paper misses (tuning, RCT)
    .venv/bin/python bench/parse_quality.py --batch         # + batch pages/s, 1 and N workers

Heading precision / recall / F1 (micro) on three sets: the parse_dev TEST split (papers
and publishers never used for tuning), the parse_dev tuning split, and the 49 RCT reports.
All three use the "body" gold of issue 15 (body sections without back matter; title,
abstract and back matter neutral, see parse_jats.py); the RCT set is also scored with the
older "all" gold (body + back matter + "Abstract") for continuity. Then pages per second
for both parsers over all PDFs, word fidelity and table-number fidelity (RCT set).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_baseline import md_headings, run_pymupdf4llm
from parse_jats import (
    dev_pairs,
    heading_scores,
    load_truth,
    norm_heading,
    number_coverage,
    prf,
    rct_pairs,
    word_coverage,
)
from parse_paragraphs import JATS_ONLY, KINDS, Integrity, gold_paragraphs, score_paragraphs

from extractor.pdf import parse_pdf
from extractor.pdf.headings import ALL_RULES, HeadingRules


@dataclass
class Tally:
    headings: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, counted, gold
    words: list[int] = field(default_factory=lambda: [0, 0])
    numbers: list[int] = field(default_factory=lambda: [0, 0])
    integrity: Integrity = field(default_factory=Integrity)
    # the measure as first written: captions anchored inside a <p> as its text
    anchored: Integrity = field(default_factory=Integrity)

    def add(self, part: list[int], found: tuple[int, ...]) -> None:
        for i, v in enumerate(found):
            part[i] += v

    def f1(self) -> tuple[float, float, float]:
        return prf(*self.headings)


# (label, pairs, gold scope)
def _sets() -> list[tuple[str, list[tuple[Path, Path]], str]]:
    return [
        ("parse_dev test", dev_pairs("test"), "body"),
        ("parse_dev tuning", dev_pairs("tuning"), "body"),
        ("RCT 49", rct_pairs(), "body"),
        ("RCT 49, gold incl. back", rct_pairs(), "all"),
    ]


def _score(
    tally: Tally, headings: list[str], text: str, nxml: Path, scope: str, verbose: bool
) -> None:
    truth = load_truth(nxml, scope)
    found = heading_scores(headings, truth)
    tally.add(tally.headings, found)
    tally.add(tally.words, word_coverage(truth, text))
    tally.add(tally.numbers, number_coverage(truth, text))
    tally.integrity.add(score_paragraphs(nxml.stem, gold_paragraphs(nxml), text))
    tally.anchored.add(score_paragraphs(nxml.stem, gold_paragraphs(nxml, anchored=True), text))
    if verbose:
        p, r, f = prf(*found)
        gold = {norm_heading(h) for h in truth.headings}
        pred = {norm_heading(h) for h in headings}
        neutral = {norm_heading(h) for h in truth.neutral}
        print(f"  {nxml.stem}: F1 {f:.2f} (P {p:.2f} R {r:.2f})")
        print("     missed:", sorted(gold - pred))
        print("     extra: ", sorted(pred - gold - neutral))


def _ours(sets, rules: HeadingRules, verbose: bool) -> tuple[dict[str, Tally], float, int]:
    """Tallies per set, seconds spent parsing, pages parsed (each PDF parsed once)."""
    parsed: dict[Path, tuple[list[str], str]] = {}
    seconds = 0.0
    pages = 0
    for _, pairs, _ in sets:
        for pdf, _ in pairs:
            if pdf in parsed:
                continue
            t = time.perf_counter()
            doc = parse_pdf(pdf, rules=rules)
            seconds += time.perf_counter() - t
            pages += doc.source.pages
            parsed[pdf] = ([s.heading for s in doc.sections], doc.text)
    tallies = {}
    for label, pairs, scope in sets:
        tally = Tally()
        show = verbose and scope == "body" and not label.endswith("test")  # never tune on test
        if show:
            print(f"{label}:")
        for pdf, nxml in pairs:
            headings, text = parsed[pdf]
            _score(tally, headings, text, nxml, scope, show)
        tallies[label] = tally
    return tallies, seconds, pages


def _theirs(sets) -> tuple[dict[str, Tally], float]:
    pdfs = list(dict.fromkeys(pdf for _, pairs, _ in sets for pdf, _ in pairs))
    results = run_pymupdf4llm(pdfs)
    tallies = {}
    for label, pairs, scope in sets:
        tally = Tally()
        for pdf, nxml in pairs:
            markdown = results[str(pdf)]["markdown"]
            _score(tally, md_headings(markdown), markdown, nxml, scope, False)
        tallies[label] = tally
    return tallies, sum(item["seconds"] for item in results.values())


def _raw(sets) -> tuple[dict[str, tuple[Integrity, Integrity]], float, float]:
    """Raw PyMuPDF in this process: paragraph integrity of `page.get_text()` per set, and
    the seconds of `get_text()` and of `get_text("dict")` (litextract's own input) over
    every PDF once."""
    import pymupdf

    from extractor.pdf.layout import TEXT_FLAGS

    texts: dict[Path, str] = {}
    text_seconds = dict_seconds = 0.0
    for pdf in dict.fromkeys(pdf for _, pairs, _ in sets for pdf, _ in pairs):
        with pymupdf.open(pdf) as doc:
            t = time.perf_counter()
            texts[pdf] = "".join(page.get_text() for page in doc)
            text_seconds += time.perf_counter() - t
        with pymupdf.open(pdf) as doc:
            t = time.perf_counter()
            for page in doc:
                page.get_text("dict", flags=TEXT_FLAGS)
            dict_seconds += time.perf_counter() - t
    out = {}
    for label, pairs, _ in sets:
        total, anchored = Integrity(), Integrity()
        for pdf, nxml in pairs:
            total.add(score_paragraphs(nxml.stem, gold_paragraphs(nxml), texts[pdf]))
            gold = gold_paragraphs(nxml, anchored=True)
            anchored.add(score_paragraphs(nxml.stem, gold, texts[pdf]))
        out[label] = (total, anchored)
    return out, text_seconds, dict_seconds


def _integrity_rows(sets, ours, raw, theirs, absent: str, verbose: bool) -> None:
    print("paragraph integrity (JATS body paragraphs >= 80 chars, whole and in order)")
    print(
        f"{'set':26}{'n':>4}{'paras':>7}   {'litextract':>10}{'raw get_text':>14}"
        f"{'pymupdf4llm':>13}"
    )
    bodies = [label for label, _pairs, scope in sets if scope == "body"]
    for label, pairs, scope in sets:
        if scope != "body":
            continue
        mine = ours[label].integrity
        other = f"{theirs[label].integrity.share:13.3f}" if label in theirs else f"{absent:>13}"
        print(
            f"{label:26}{len(pairs):>4}{mine.total:>7}   {mine.share:10.3f}"
            f"{raw[label][0].share:14.3f}{other}"
        )
    print(
        "same, JATS formulas and footnote marks as wildcards (what the measure itself "
        f"leaves unmatched; {', '.join(JATS_ONLY)} breaks mostly go)"
    )
    for label in bodies:
        mine = ours[label].integrity
        other = (
            f"{theirs[label].integrity.share_lenient:13.3f}" if label in theirs else f"{absent:>13}"
        )
        print(
            f"{label:26}{'':>4}{'':>7}   {mine.share_lenient:10.3f}"
            f"{raw[label][0].share_lenient:14.3f}{other}"
        )
    print(
        "the measure as first written (captions of figures/tables that JATS anchors inside "
        "a <p> counted as that paragraph's text; the PDF prints them apart)"
    )
    for label in bodies:
        mine = ours[label].anchored
        other = f"{theirs[label].anchored.share:13.3f}" if label in theirs else f"{absent:>13}"
        print(
            f"{label:26}{'':>4}{mine.total:>7}   {mine.share:10.3f}"
            f"{raw[label][1].share:14.3f}{other}"
        )
    print("breaks by kind (paragraphs; see parse_paragraphs.py for the kinds)")
    columns: list[tuple[str, Integrity]] = []
    for label in bodies:
        short = label.replace("parse_dev ", "")
        columns += [(f"{short} ours", ours[label].integrity), (f"{short} raw", raw[label][0])]
        if label in theirs:
            columns.append((f"{short} 4llm", theirs[label].integrity))
    print(f"{'kind':20}" + "".join(f"{name:>13}" for name, _ in columns))
    for kind in KINDS:
        print(f"{kind:20}" + "".join(f"{tally.kinds[kind]:>13}" for _, tally in columns))
    if verbose:  # never the test split: no tuning on it
        for label, _pairs, scope in sets:
            if scope != "body" or label.endswith("test"):
                continue
            print(f"{label}: litextract breaks")
            for paper, kind, snippet in ours[label].integrity.examples:
                print(f"  {paper} [{kind}] {snippet}")


def _batch(sets) -> None:
    """Batch pages/s through `parse_many` on 1 process and on all cores, same PDFs."""
    from extractor.pdf import parse_many
    from extractor.pdf.batch import default_workers

    pdfs = list(dict.fromkeys(pdf for _, pairs, _ in sets for pdf, _ in pairs))
    cores = default_workers()
    for workers in dict.fromkeys((1, cores)):
        t = time.perf_counter()
        pages = sum(
            doc.source.pages
            for _, doc in parse_many(pdfs, workers=workers, progress=False)
            if not isinstance(doc, Exception)
        )
        seconds = time.perf_counter() - t
        print(
            f"batch parse_many, {workers} worker(s): {len(pdfs)} PDFs, {pages} pages in "
            f"{seconds:.1f} s, {pages / seconds:.2f} pages/s"
        )


def _row(label: str, n: int, ours: Tally, theirs: Tally | None) -> str:
    p, r, f = ours.f1()
    row = f"{label:26}{n:>4}   {p:6.3f}{r:6.3f}{f:7.3f}"
    if theirs is not None:
        p, r, f = theirs.f1()
        row += f"   {p:6.3f}{r:6.3f}{f:7.3f}"
    return row


_ABLATIONS: list[tuple[str, HeadingRules]] = [
    ("all cues (shipped)", ALL_RULES),
    ("- paragraph starts", dataclasses.replace(ALL_RULES, paragraph_starts=False)),
    ("- italic labels", dataclasses.replace(ALL_RULES, italic=False)),
    ("- numbering below outline", dataclasses.replace(ALL_RULES, numbering=False)),
    ("- reference guard", dataclasses.replace(ALL_RULES, reference_guard=False)),
    (
        "all four off",
        HeadingRules(paragraph_starts=False, italic=False, numbering=False, reference_guard=False),
    ),
]


def main(baseline: bool, ablation: bool, verbose: bool, batch: bool) -> None:
    sets = [s for s in _sets() if s[1]]
    if not sets:
        print("corpus not found; nothing to measure")
        return
    ours, seconds, pages = _ours(sets, ALL_RULES, verbose)
    raw, text_seconds, dict_seconds = _raw(sets)
    installed = importlib.util.find_spec("pymupdf4llm") is not None  # the `bench` extra
    baseline = baseline and installed
    theirs, their_seconds = _theirs(sets) if baseline else ({}, 0.0)
    _integrity_rows(sets, ours, raw, theirs, "not run" if installed else "not installed", verbose)
    print()
    print("heading P / R / F1 (micro) against JATS")
    head = f"{'set':26}{'n':>4}   {'litextract':^19}"
    print(head + (f"   {'pymupdf4llm (layout)':^19}" if baseline else ""))
    for label, pairs, _ in sets:
        print(_row(label, len(pairs), ours[label], theirs.get(label)))
    print()
    print(f"pages {pages}: litextract {seconds:.1f} s, {pages / seconds:.2f} pages/s", end="")
    if baseline:
        print(
            f"; pymupdf4llm {their_seconds:.1f} s, {pages / their_seconds:.2f} pages/s; "
            f"litextract is {their_seconds / seconds:.1f}x faster"
        )
    else:
        print()
    print(
        f"raw PyMuPDF, same PDFs, one core: get_text('dict') {dict_seconds:.1f} s, "
        f"get_text() {text_seconds:.1f} s; litextract / get_text('dict') = "
        f"{seconds / dict_seconds:.2f}x"
    )
    rct = ours.get("RCT 49")
    if rct is not None:
        line = f"RCT 49: word fidelity litextract {rct.words[0] / rct.words[1]:.4f}"
        if baseline:
            words = theirs["RCT 49"].words
            line += f", pymupdf4llm {words[0] / words[1]:.4f}"
        print(line + f"; table-number fidelity litextract {rct.numbers[0] / rct.numbers[1]:.4f}")
    for label in ("parse_dev test", "parse_dev tuning"):
        if label in ours:
            tally = ours[label]
            print(f"{label}: word fidelity litextract {tally.words[0] / tally.words[1]:.4f}")
    if batch:
        print()
        _batch(sets)
    if ablation:
        print()
        print("ablation: heading F1 with one cue off (litextract)")
        labels = [label for label, _, scope in sets if scope == "body"]
        print(f"{'rules':30}" + "".join(f"{label:>18}" for label in labels))
        for name, rules in _ABLATIONS:
            tallies = ours if rules == ALL_RULES else _ours(sets, rules, False)[0]
            print(f"{name:30}" + "".join(f"{tallies[label].f1()[2]:18.3f}" for label in labels))


if __name__ == "__main__":
    main(
        "--no-baseline" not in sys.argv,
        "--ablation" in sys.argv,
        "--verbose" in sys.argv,
        "--batch" in sys.argv,
    )
