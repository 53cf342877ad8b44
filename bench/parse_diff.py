"""Did a parser change alter its output? Dump `parse_pdf` output for the corpus (RCT 49 +
parse_dev 60) to a JSON file, then compare a later run against it, paper by paper.

    .venv/bin/python bench/parse_diff.py dump /tmp/before.json
    .venv/bin/python bench/parse_diff.py diff /tmp/before.json     # parses again, compares

A speed change should leave every paper identical; the diff names the papers that differ
and the first differing part of each (text, sections, tables, metadata, figures,
references, page map, warnings).
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_jats import dev_pairs, rct_pairs

from extractor.pdf.parse import parse_pdf

_PARTS = ("text", "sections", "tables", "metadata", "figures", "references", "page_map", "warnings")


def _corpus() -> list[Path]:
    return list(dict.fromkeys(p for p, _ in rct_pairs() + dev_pairs("tuning") + dev_pairs("test")))


def _dump_one(pdf: Path) -> dict:
    data = parse_pdf(pdf).model_dump(mode="json")
    return {part: data[part] for part in _PARTS}


def dump(out: Path) -> None:
    pdfs = _corpus()
    out.write_text(json.dumps({pdf.name: _dump_one(pdf) for pdf in pdfs}))
    print(f"{len(pdfs)} PDFs dumped to {out}")


def _first_difference(before: object, after: object) -> str:
    old = json.dumps(before, indent=1, ensure_ascii=False).splitlines()
    new = json.dumps(after, indent=1, ensure_ascii=False).splitlines()
    lines = [ln for ln in difflib.unified_diff(old, new, lineterm="", n=0) if ln[:1] in "+-"]
    return "\n      ".join(ln[:160] for ln in lines[2:8])


def diff(before_path: Path) -> int:
    before = json.loads(before_path.read_text())
    changed = 0
    for pdf in _corpus():
        now = _dump_one(pdf)
        old = before.get(pdf.name)
        if old is None:
            print(f"{pdf.name}: not in {before_path}")
            changed += 1
            continue
        parts = [part for part in _PARTS if old[part] != now[part]]
        if parts:
            changed += 1
            print(f"{pdf.name}: differs in {', '.join(parts)}")
            print(f"      {_first_difference(old[parts[0]], now[parts[0]])}")
    print(f"{changed} of {len(before)} PDFs differ")
    return changed


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("dump", "diff"):
        sys.exit(__doc__)
    if sys.argv[1] == "dump":
        dump(Path(sys.argv[2]))
    else:
        sys.exit(1 if diff(Path(sys.argv[2])) else 0)
