"""Forest plots: both formats written, unchecked studies drawn apart."""

from __future__ import annotations

from synth_reference_data import BCG
from synth_testdata import ROLES, binary_study

from eval.synthesis.effects import compute_effects
from eval.synthesis.meta import run_meta_analyses
from eval.synthesis.plots import UNCHECKED_COLOUR, forest_plot


def _analysis(check_first: bool):
    studies = [
        binary_study(f"{a} {y}", str(i), tp, tp + tn, cp, cp + cn,
                     triage="check" if (check_first and i == 0) else "verified")
        for i, (a, y, tp, tn, cp, cn) in enumerate(BCG)
    ]  # fmt: skip
    table = compute_effects(studies, ROLES)
    (result,) = run_meta_analyses(studies, table, None).results
    return result


def test_forest_plot_writes_png_and_svg_and_marks_unchecked(tmp_path):
    flagged = forest_plot(_analysis(check_first=True), "DL", tmp_path / "flagged")
    clean = forest_plot(_analysis(check_first=False), "DL", tmp_path / "clean")
    assert [p.suffix for p in flagged] == [".png", ".svg"]
    assert flagged[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert UNCHECKED_COLOUR in flagged[1].read_text()
    assert UNCHECKED_COLOUR not in clean[1].read_text()
