"""pymupdf4llm (layout mode) as the comparison parser of the parse benchmarks.

It runs in a child process: importing it activates PyMuPDF's global layout hook, which
must not leak into the measurement of litextract's parser. Its headings are its
Markdown '#' lines (bold-only lines are not counted).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, sys, time
import pymupdf4llm  # layout mode is on by default when pymupdf-layout is installed
import pymupdf
assert pymupdf._get_layout is not None, "pymupdf-layout is not active"
out = {}
target = sys.argv[1]
for path in sys.argv[2:]:
    t = time.perf_counter()
    md = pymupdf4llm.to_markdown(path, show_progress=False)
    out[path] = {"seconds": time.perf_counter() - t, "markdown": md}
with open(target, "w") as handle:  # stdout carries pymupdf4llm's own messages
    json.dump(out, handle)
"""
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)


def md_headings(markdown: str) -> list[str]:
    return [re.sub(r"[*_`]", "", h).strip() for h in _MD_HEADING.findall(markdown)]


def run_pymupdf4llm(pdfs: list[Path]) -> dict[str, dict]:
    """{str(pdf): {"seconds": float, "markdown": str}}, one sequential child process."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "pymupdf4llm.json"
        subprocess.run(
            [sys.executable, "-c", _CHILD, str(target), *(str(p) for p in pdfs)],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(target.read_text())
