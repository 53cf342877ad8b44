"""Quotes are located in the paper despite PDF noise, and fabricated ones are not."""

from __future__ import annotations

from extract_helpers import make_document

from extractor.grounding import Grounder, ground, normalise

PAGES = [
    "Title\n\nMethods\nWe randomised 120 pa-\ntients to the ﬁrst arm, and  \n"
    " the   rest to placebo.",
    "Results\nThe primary outcome occurred in 12 of 60 “treated” patients – versus"
    " 20 of 60 controls. Mean age was 45.2 (SD 3.1) years.",
]


def _doc():
    return make_document(PAGES)


def test_exact_quote_maps_back_to_original_offsets_page_and_section() -> None:
    doc = _doc()
    ev = ground(doc, "Mean age was 45.2 (SD 3.1) years.")
    assert ev.grounded and ev.match_score == 100.0
    assert doc.text[ev.char_start : ev.char_end] == "Mean age was 45.2 (SD 3.1) years."
    assert ev.page == 2
    assert ev.section == "Results"


def test_whitespace_hyphenation_ligature_quotes_dashes_and_case() -> None:
    doc = _doc()
    ev = ground(doc, "we randomised 120 patients to the first arm, and the rest to placebo")
    assert ev.grounded and ev.match_score == 100.0
    assert doc.text[ev.char_start : ev.char_end].startswith("We randomised 120 pa-\ntients")
    assert doc.text[ev.char_start : ev.char_end].endswith("to placebo")
    assert ev.page == 1 and ev.section == "Methods"
    ev = ground(doc, 'occurred in 12 of 60 "treated" patients - versus 20 of 60 controls')
    assert ev.grounded and ev.match_score == 100.0
    assert ev.page == 2


def test_fuzzy_near_miss_is_grounded_with_its_score() -> None:
    doc = _doc()
    ev = ground(
        doc, "The primary outcome occured in 12 of 60 treated patients versus 20 of 60 controls"
    )
    assert ev.grounded
    assert 90 <= ev.match_score < 100
    assert "occurred in 12 of 60" in doc.text[ev.char_start : ev.char_end]


def test_fabricated_quote_is_not_grounded() -> None:
    doc = _doc()
    ev = ground(doc, "Aspirin halved the risk of recurrent stroke in every subgroup.", page=2)
    assert not ev.grounded
    assert ev.char_start is None and ev.char_end is None
    assert ev.page is None and ev.claimed_page == 2  # the claim is kept apart from `page`
    assert ev.match_score is not None and ev.match_score < 90


def test_changed_number_is_not_a_match() -> None:
    # One digit in a short quote is exactly what must not pass as verified.
    ev = ground(_doc(), "Mean age was 54.2")
    assert not ev.grounded


def test_repeated_passage_prefers_the_page_the_model_named() -> None:
    doc = make_document(["Results\nResponse rate 40%.", "Appendix\nResponse rate 40%."])
    grounder = Grounder(doc)
    assert grounder.ground("Response rate 40%.", page=2).page == 2
    assert grounder.ground("Response rate 40%.", page=1).page == 1


def test_normalise_keeps_offsets_into_the_original() -> None:
    text = "Eﬀect  of  “X”—\nand"
    key, offsets = normalise(text)
    assert key == 'effectof"x"-and'
    assert len(key) == len(offsets)
    assert text[offsets[0]] == "E"
    assert text[offsets[-1]] == "d"


def test_grounding_in_a_long_paper_uses_candidate_windows() -> None:
    # Bounded work: windows come from shared chunks, never an all-pairs scan.
    filler = " ".join(f"Sentence {i} about nothing in particular." for i in range(20000))
    doc = make_document([f"Body\n{filler} The key result was 17 of 40."])
    grounder = Grounder(doc)
    assert grounder.ground("The key result was 17 of 40.").grounded
    assert not grounder.ground("A completely invented claim about 93 of 94 patients.").grounded


def test_an_ungrounded_quote_keeps_only_a_page_the_paper_has() -> None:
    doc = _doc()
    assert ground(doc, "A sentence that this paper never prints.", page=2).claimed_page == 2
    invented = ground(doc, "A sentence that this paper never prints.", page=1011111111)
    assert invented.grounded is False and invented.claimed_page is None
