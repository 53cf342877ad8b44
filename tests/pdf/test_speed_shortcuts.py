"""The parser's speed shortcuts give what the slower forms they replaced gave."""

from __future__ import annotations

import gc
import random
import re
from collections import Counter
from pathlib import Path

import pymupdf
from pdf_testdata import make_pdf
from rapidfuzz import fuzz

from extractor.pdf import parse_pdf
from extractor.pdf.captions import figure_label, is_caption, table_label
from extractor.pdf.headings import (
    BodyStyle,
    _Candidate,
    _is_caps,
    _match_lines,
    _may_match,
    _norm,
    _RunIn,
    body_style,
    outline_headings,
    strip_numbering,
)
from extractor.pdf.layout import TEXT_FLAGS, Block, Line, Span, _line_style, read_page, union_box
from extractor.pdf.text import (
    _CHAR_MAP,
    _FONT_MAPS,
    clean_chars,
    font_chars,
    has_letters,
    join_lines,
    normalise_space,
    span_table,
    vocabulary,
)


def test_character_repairs_touch_no_ascii_so_plain_ascii_may_skip_them() -> None:
    assert all(key > 127 for key in _CHAR_MAP)
    assert all(key > 127 for key in span_table("Times-Roman"))
    text = "Plain ASCII text, p < 0.05"
    assert clean_chars(text) is text


def test_one_table_per_font_repairs_as_font_chars_then_clean_chars() -> None:
    samples = "".join(chr(k) for _name, table in _FONT_MAPS for k in table) + "".join(
        chr(k) for k in _CHAR_MAP
    )
    samples += "plain text \ufb01 \u00ad 12"
    for font in [name for name, _ in _FONT_MAPS] + ["Times-Roman"]:
        assert samples.translate(span_table(font)) == clean_chars(font_chars(samples, font))


def _line(spans: list[tuple[str, float, str]]) -> Line:
    return Line(
        page=1,
        bbox=(0.0, 0.0, 100.0, 10.0),
        spans=[Span(text, size, False, False, font) for text, size, font in spans],
    )


def test_line_size_and_font_are_the_most_common_first_of_equals() -> None:
    # the forms replaced: Counter.most_common over rounded sizes and fonts
    def counter_size(line: Line) -> float:
        weights: Counter[float] = Counter()
        for span in line.spans:
            weights[round(span.size, 1)] += len(span.text.strip())
        return weights.most_common(1)[0][0]

    cases = [
        [("ab", 9.04, "A"), ("cd", 10.0, "B")],  # equal weights: the first wins
        [("ab", 9.04, "A"), ("cd", 10.0, "B"), ("ef", 9.01, "B")],  # 9.0 twice
        [("a", 8.0, "A"), ("bcd", 8.0, "B"), ("  ", 12.0, "C")],  # one size
        [("   ", 7.0, "A"), ("x", 11.0, "B")],
    ]
    for spans in cases:
        line = _line(spans)
        assert line.size == counter_size(line)
    assert _line(cases[1]).font == "B"
    assert _line(cases[0]).font == "A"


def test_vocabulary_reads_each_line_apart() -> None:
    lines = ["well-known treat-", "ment of Non-smokers", "-free", "X-ray"]
    words, compounds = vocabulary(lines)
    assert compounds == {"well-known", "non-smokers", "x-ray"}
    assert words == {"treat", "ment", "of", "free"}


def test_a_hyphen_at_a_line_end_is_repaired_after_a_long_paragraph() -> None:
    long = "word " * 2000
    assert join_lines([long + "treat-", "ment"], {"treatment"}).endswith("word treatment")
    assert join_lines([long + "\u00e9t\u00e9-", "ment"], {"treatment"}).endswith(
        "\u00e9t\u00e9-ment"
    )


def test_an_outline_title_runs_in_where_the_line_has_a_dotless_i() -> None:
    # case-insensitive matching takes "ı" for "i": the quick check before it must too
    assert re.match("clinical", "Clınical", re.IGNORECASE)
    line = _line([("Clınical findings. ", 10.0, "Bold"), ("We saw " * 12, 10.0, "Body")])
    block = Block(page=1, bbox=line.bbox, lines=[line])
    body = BodyStyle(size=10.0, bold=False, font="Body")
    (heading,) = outline_headings([block], [[1, "Clinical findings", 1]], set(), body)
    assert heading.lines == [line] and heading.rest.startswith("We saw")


def test_the_cycle_collector_runs_again_after_a_parse(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", [[(72, 100, "A short paper with one line of text.", {})]])
    assert gc.isenabled()
    parse_pdf(path)
    assert gc.isenabled()
    gc.disable()
    try:
        parse_pdf(path)
        assert not gc.isenabled()  # a caller's choice is left as it was
    finally:
        gc.enable()


def test_an_outline_title_is_tried_as_a_run_in_only_after_punctuation_or_a_number() -> None:
    # the quick check before compiling the pattern rules out no line the pattern takes
    texts = [
        "2.1. Study design. We ...",
        "IV. Study design: we ...",
        "(iii) study design and ...",
        "vi Study design",
        "\u2022 Study Design - as ...",
        "The study design was ...",
        "Our study design ...",
        "xStudy design",
        "Study designs were ...",
    ]
    for text in texts:
        line = _line([(text, 10.0, "Body")])
        candidate = _Candidate(Block(page=1, bbox=line.bbox, lines=[line]), 0)
        pattern = re.compile(r"^\W*(?:[\dIVX]+(?:\.\d+)*\.?\s*)?study\W+design", re.IGNORECASE)
        found = _RunIn("study design").match(text, candidate)
        assert bool(found) == bool(pattern.match(text)), text


def test_lengths_that_cannot_reach_ratio_92_are_never_compared() -> None:
    # near-equal texts of all length pairs: whichever reaches 92 has lengths that pass
    rng = random.Random(7)
    reached = 0
    for a in range(1, 60):
        for b in range(13, 60):
            first = "".join(rng.choice("ab") for _ in range(a))
            second = (first * 2)[:b]
            if fuzz.ratio(first, second) >= 92:
                reached += 1
                assert _may_match(a, b), (a, b)
    assert reached > 100
    assert not _may_match(80, 20) and _may_match(100, 106)


def test_quick_caption_and_capitals_checks_agree_with_the_full_ones() -> None:
    texts = [
        "Table 2. Outcomes",
        "  Fig. 3 Flow",
        "FIGURE 1",
        "Table 1 shows",
        "The table",
        "",
        "2.1 METHODS",
        "METHODS",
        "Methods",
        "IV. RESULTS AND DISCUSSION",
        "A. B",
        "\u00c9TUDE",
    ]
    for text in texts:
        assert is_caption(text) == (table_label(text) is not None or figure_label(text) is not None)
        letters = [c for c in strip_numbering(text) if c.isalpha()]
        assert _is_caps(text) == (len(letters) >= 4 and all(c.isupper() for c in letters))


def test_body_style_breaks_ties_as_counters_do() -> None:
    def block(*lines: Line) -> Block:
        return Block(page=1, bbox=(0.0, 0.0, 100.0, 10.0), lines=list(lines))

    bold = Line(page=1, bbox=(0, 0, 1, 1), spans=[Span("abcd", 11.0, True, False, "B")])
    plain = Line(page=1, bbox=(0, 0, 1, 1), spans=[Span("efgh", 9.0, False, False, "A")])
    mixed = Line(
        page=1,
        bbox=(0, 0, 1, 1),
        spans=[Span("ab", 9.0, True, False, "A"), Span("cd", 11.0, False, True, "B")],
    )
    for order in ([bold, plain], [plain, bold], [mixed, bold, plain], [plain, mixed]):
        style = body_style([block(*order)])
        sizes: Counter[float] = Counter()
        bolds: Counter[bool] = Counter()
        fonts: Counter[str] = Counter()
        for line in order:
            sizes[round(line.size * 2) / 2] += len(line.text)
            bolds[line.bold] += len(line.text)
            for span in line.spans:
                fonts[span.font] += len(span.text)
        assert style.size == sizes.most_common(1)[0][0]
        assert style.bold == bolds.most_common(1)[0][0]
        assert style.font == fonts.most_common(1)[0][0]


def test_spans_in_one_style_read_as_one_keep_the_line_style(tmp_path: Path) -> None:
    # words in alternating colours (MuPDF makes a span of each) beside a larger bold run:
    # read_page's one span per run must give the style and text that one span per MuPDF
    # span gives, whose weights strip each piece's spaces apart (6 letters against 7)
    path = tmp_path / "runs.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    x = 72.0
    for k, word in enumerate(["ab ", "cd ", "ef "]):
        page.insert_text((x, 100), word, fontsize=10, color=(k % 2, 0, 0))
        x += pymupdf.get_text_length(word, fontsize=10)
    page.insert_text((x, 100), "GHIJKLM", fontsize=10.5, fontname="helvetica-bold")
    doc.save(path)
    doc.close()
    with pymupdf.open(path) as pdf:
        raw = pdf[0].get_text("dict", flags=TEXT_FLAGS)
        (read,) = [line for block in read_page(pdf[0], 1).blocks for line in block.lines]
    (raw_line,) = [line for block in raw["blocks"] for line in block["lines"]]
    assert len(raw_line["spans"]) == 4 and len(read.spans) == 2
    pieces = [
        Span(s["text"], s["size"], "Bold" in s["font"], False, s["font"]) for s in raw_line["spans"]
    ]
    one_per_piece = Line(page=1, bbox=read.bbox, spans=pieces)
    assert read.text == one_per_piece.text
    expected = _line_style(one_per_piece)
    assert expected[0] == 10.5  # "ab cd ef" weighed whole would be 8 against 7
    assert _line_style(read) == expected
    assert (read.size, read.bold, read.italic, read.font) == expected


def test_counting_letters_up_to_a_count_agrees_with_summing_them() -> None:
    for text in ["", "+", "a1b", "ab c", "\u00e9t\u00e9", "12 345 ab", "x" * 50, "\u00b2\u00b3a"]:
        for count in (1, 3, 4):
            assert has_letters(text, count) == (sum(c.isalpha() for c in text) >= count)


def test_outline_lines_stripped_normalise_as_with_their_spaces_made_one() -> None:
    texts = [
        " 2.1   Study\tdesign ",
        "IV.  Results",
        "B.\t\tMethods  and  materials",
        "12 patients  were seen",
        "2.1Methods",
        " \u00a0 3. Aims",
        "methods 2.2  Sample",
    ]
    for text in texts:
        assert _norm(strip_numbering(text.strip())) == _norm(
            strip_numbering(normalise_space(text))
        ), text


def test_section_pages_are_those_document_page_at_gives(tmp_path: Path) -> None:
    pages = [
        [(72, 100, "1. Introduction", {"fontsize": 14}), (72, 130, "First page text. " * 3, {})],
        [(72, 100, "Still the introduction. " * 2, {}), (72, 140, "2. Methods", {"fontsize": 14})],
        [(72, 100, "Methods text goes on here. " * 2, {})],
    ]
    doc = parse_pdf(make_pdf(tmp_path / "s.pdf", pages))
    assert len(doc.sections) >= 2
    for section in doc.sections:
        assert section.text and section.page_start == doc.page_at(section.char_start)
        assert section.page_end >= (doc.page_at(section.char_end - 1) or 0)
    assert [s.page_start for s in doc.sections][:2] == [1, 3]  # Methods' text is on page 3


def test_read_blocks_have_the_union_of_their_lines_as_box(tmp_path: Path) -> None:
    # running-text removal leaves the boxes of pages that lost no line as they are: that is
    # what pruning would make of them
    lines = [(72, 100 + 14 * k, f"Line {k} of a paragraph set in one block.", {}) for k in range(5)]
    lines += [(320, 400, "A second column's line.", {}), (72, 800, "Page 1", {"fontsize": 8})]
    path = make_pdf(tmp_path / "b.pdf", [lines])
    with pymupdf.open(path) as pdf:
        page = read_page(pdf[0], 1)
    assert len(page.blocks) >= 2
    for block in page.blocks:
        assert block.bbox == union_box([line.bbox for line in block.lines])


def test_outline_lines_skipped_unmatched_are_those_match_lines_rejects() -> None:
    rng = random.Random(3)
    words = ["study", "design", "methods", "of", "the", "trial", "and", "results", "x"]
    skips = 0
    for _ in range(400):
        texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))) for _ in range(3)]
        want = " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        lines = [_line([(text, 10.0, "Body")]) for text in texts]
        block = Block(page=1, bbox=lines[0].bbox, lines=lines)
        first = _norm(strip_numbering(texts[0].strip()))
        skipped = (
            len(first) > len(want) + 5
            and first != want
            and not (len(want) > 12 and _may_match(len(first), len(want)))
        )
        if skipped:
            skips += 1
            assert _match_lines(block, 0, want, []) is None, (texts, want)
    assert skips > 100
