"""A batch parsed on several processes gives the same Documents as on one."""

from __future__ import annotations

from pdf_testdata import make_pdf

from extractor.pdf import parse_many


def _paper(tmp_path, n: int):
    lines = [
        (60, 80, f"Paper {n}: a trial of something", {"fontsize": 16}),
        (60, 120, "1 Introduction", {"fontsize": 13}),
        *[(60, 140 + 14 * i, f"paper {n} introduction line {i} of text", {}) for i in range(8)],
        (60, 280, "2 Methods", {"fontsize": 13}),
        *[(60, 300 + 14 * i, f"paper {n} methods line {i} of more text", {}) for i in range(8)],
    ]
    return make_pdf(tmp_path / f"paper{n}.pdf", [lines, lines])


def test_several_workers_give_the_documents_of_one(tmp_path):
    pdfs = [_paper(tmp_path, n) for n in range(4)]
    missing = tmp_path / "missing.pdf"
    inputs = [pdfs[0], missing, *pdfs[1:]]
    one = list(parse_many(inputs, workers=1, progress=False))
    many = list(parse_many(inputs, workers=3, progress=False))
    assert [path for path, _ in one] == [path for path, _ in many] == inputs
    for (_, a), (_, b) in zip(one, many, strict=True):
        if isinstance(a, Exception):
            assert str(a) == str(b)
        else:
            assert a.model_dump_json() == b.model_dump_json()
    assert "paper 2 methods line 7" in many[3][1].text
