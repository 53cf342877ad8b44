"""Real PDFs: sentences of the publisher's own XML are found in our parse of the PDF."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from extractor.grounding import Grounder
from extractor.pdf import parse_pdf

PAPERS = ("PMC3276927", "PMC3321528", "PMC3309311")


def _sentences(nxml: Path) -> list[str]:
    root = ET.parse(nxml).getroot()
    out = []
    for paragraph in root.iter("p"):
        text = " ".join("".join(paragraph.itertext()).split())
        out += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if 60 <= len(s) <= 250]
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("paper_id", PAPERS)
def test_publisher_sentences_ground_in_the_parsed_pdf(corpus_dir: Path, paper_id: str) -> None:
    doc = parse_pdf(corpus_dir / "pdfs" / "rct" / f"{paper_id}.pdf")
    sentences = _sentences(corpus_dir / "jats" / f"{paper_id}.nxml")[:40]
    assert len(sentences) >= 10
    grounder = Grounder(doc)
    evidence = [grounder.ground(s) for s in sentences]
    grounded = [e for e in evidence if e.grounded]
    assert len(grounded) / len(evidence) >= 0.9, [e.quote for e in evidence if not e.grounded][:3]
    for ev in grounded:
        assert ev.page is not None and 1 <= ev.page <= doc.source.pages
        assert ev.char_start is not None and ev.char_end is not None
        assert ev.char_end > ev.char_start
    # Mutating every number makes a sentence unverifiable, however close the words are.
    with_numbers = [s for s in sentences if re.search(r"\d", s)][:5]
    for s in with_numbers:
        changed = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), s)
        assert not grounder.ground(changed).grounded, changed
