"""Built-in example papers: synthetic PDFs with gold data generated from the same facts.

`write_examples(out_dir)` writes three two-column papers (two foundation-model papers
for the `fm_imaging` form, one randomised trial for `rct_outcomes`) plus their gold
files, so the whole pipeline can run on a fresh clone without the real corpus.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.examples import rct_paper as rct
from extractor.examples.fm_papers import CHESTCLIP, RADFOUND, chestclip_paper, radfound_paper
from extractor.examples.model import Paper
from extractor.examples.render import render
from extractor.fileio import atomic_path, atomic_write_text


@dataclass(frozen=True)
class ExampleSet:
    out_dir: Path
    fm_pdfs: list[Path]
    rct_pdfs: list[Path]
    gold_fm_imaging: Path
    targets_rct: Path
    gold_rct: Path

    @property
    def pdfs(self) -> list[Path]:
        return [*self.fm_pdfs, *self.rct_pdfs]


def fm_papers() -> list[tuple[Paper, dict[str, Any]]]:
    return [(radfound_paper(), RADFOUND), (chestclip_paper(), CHESTCLIP)]


def write_examples(out_dir: Path) -> ExampleSet:
    """Write the example PDFs and gold files into `out_dir` (created; files replaced)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fm_pdfs = []
    for paper, _record in fm_papers():
        fm_pdfs.append(_render_atomic(paper, out_dir))
    rct_pdf = _render_atomic(rct.rct_paper(), out_dir)
    gold_fm = out_dir / "gold_fm_imaging.jsonl"
    _write_jsonl(gold_fm, [{"paper_id": p.stem, "record": r} for p, r in fm_papers()])
    targets = out_dir / "targets_rct.jsonl"
    _write_jsonl(targets, rct.targets())
    gold_rct = out_dir / "gold_rct.jsonl"
    _write_jsonl(gold_rct, rct.gold_records())
    return ExampleSet(out_dir, fm_pdfs, [rct_pdf], gold_fm, targets, gold_rct)


def _render_atomic(paper: Paper, out_dir: Path) -> Path:
    target = out_dir / f"{paper.stem}.pdf"
    with atomic_path(target) as tmp:
        render(paper, tmp)
    return target


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in rows)
    atomic_write_text(path, text)


__all__ = ["ExampleSet", "fm_papers", "write_examples"]
