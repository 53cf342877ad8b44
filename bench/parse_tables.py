"""Table cells against JATS for the RCT corpus: how many tables get rows, and whether the
numbers of each JATS row land in one row of ours.

    .venv/bin/python bench/parse_tables.py                # ours, then the ruled-only baseline
    .venv/bin/python bench/parse_tables.py --limit 20 --verbose

Also checks that filling rows leaves `Document.text` as it was, and times both parses.

Figures (micro-averaged over tables):
- filled: share of our tables (caption found) with non-empty `rows`.
- row recall: for each JATS table matched to ours by its "Table N" label, each JATS row's
  numbers (per cell, `\\d+(\\.\\d+)?`) are looked up in the one row of ours that holds most
  of them; the share found there over all JATS numbers. Tables of ours without rows
  score 0, so the figure measures coverage and cell quality together.
- number precision: share of the numbers in our rows that the JATS table holds (multiset);
  low when a table region runs on into the text or footnotes below it.
- cell recall: the same as row recall, but a number counts only when a cell of that row contains it
  as a whole number token (adjacent cells fused into one would not count).
"""

from __future__ import annotations

import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from parse_jats import rct_pairs

import extractor.pdf.tables as tables_module
from extractor.pdf import parse_pdf
from extractor.pdf.captions import table_label

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def jats_tables(nxml: Path) -> dict[str, list[list[str]]]:
    """label number -> rows of cell texts, for tables that JATS stores as cells."""
    out: dict[str, list[list[str]]] = {}
    for wrap in ET.parse(nxml).getroot().iter("table-wrap"):
        label = wrap.find("label")
        table = wrap.find(".//table")
        if label is None or table is None:
            continue
        number = table_label("".join(label.itertext()).strip() + ".")
        if number is None:
            continue
        rows = [
            [" ".join("".join(c.itertext()).split()) for c in tr if c.tag in {"td", "th"}]
            for tr in table.iter("tr")
        ]
        out.setdefault(number, rows)
    return out


def row_scores(gold: list[list[str]], ours: list[list[str]]) -> tuple[int, int, int]:
    """(numbers found in the best row, found as whole tokens of one cell, numbers)."""
    ours_rows = [
        (Counter(_NUMBER.findall(" ".join(row))), [set(_NUMBER.findall(c)) for c in row])
        for row in ours
    ]
    row_hit = cell_hit = total = 0
    for row in gold:
        wanted = Counter(n for cell in row for n in _NUMBER.findall(cell))
        if not wanted:
            continue
        total += sum(wanted.values())
        best_row, best_cell = 0, 0
        for have, cells in ours_rows:
            hit = sum(min(n, have[w]) for w, n in wanted.items())
            if hit > best_row:
                best_row = hit
                in_cells = Counter(w for cell in cells for w in cell)
                best_cell = sum(min(n, in_cells[w]) for w, n in wanted.items())
        row_hit += best_row
        cell_hit += best_cell
    return row_hit, cell_hit, total


def measure(pairs: list[tuple[Path, Path]], verbose: bool) -> dict:
    tables = filled = 0
    texts: list[str] = []
    seconds = 0.0
    row_hit = cell_hit = total = 0
    matched = 0
    kept = emitted = 0
    for pdf, nxml in pairs:
        gold = jats_tables(nxml)
        started = time.perf_counter()
        doc = parse_pdf(pdf)
        seconds += time.perf_counter() - started
        texts.append(doc.text)
        ours: dict[str, list[list[str]]] = {}
        for table in doc.tables:
            tables += 1
            filled += bool(table.rows)
            number = table_label(table.caption or "")
            if number is not None and number not in ours:
                ours[number] = table.rows
        for number, rows in gold.items():
            if number not in ours:
                continue
            matched += 1
            r, c, t = row_scores(rows, ours[number])
            row_hit, cell_hit, total = row_hit + r, cell_hit + c, total + t
            g = Counter(n for row in rows for cell in row for n in _NUMBER.findall(cell))
            o = Counter(n for row in ours[number] for n in _NUMBER.findall(" ".join(row)))
            k, e = sum(min(k, g[w]) for w, k in o.items()), sum(o.values())
            kept, emitted = kept + k, emitted + e
            if verbose:
                print(
                    f"{pdf.stem} Table {number}: rows {len(ours[number])}/{len(rows)} "
                    f"row recall {r / max(1, t):.2f} cell recall {c / max(1, t):.2f} "
                    f"precision {k / max(1, e):.2f}"
                )
    return {
        "tables": tables,
        "filled": filled / max(1, tables),
        "matched": matched,
        "row_recall": row_hit / max(1, total),
        "cell_recall": cell_hit / max(1, total),
        "precision": kept / max(1, emitted),
        "texts": texts,
        "seconds": seconds,
    }


def main() -> None:
    verbose = "--verbose" in sys.argv
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    pairs = rct_pairs()[:limit]
    if not pairs:
        print("corpus not found; nothing to measure")
        return
    results = {"borderless on": measure(pairs, verbose)}
    tables_module.BORDERLESS = False
    results["ruled only"] = measure(pairs, False)
    tables_module.BORDERLESS = True
    print(f"papers {len(pairs)}")
    for name, r in results.items():
        print(
            f"{name:14s} tables {r['tables']}  with rows {r['filled']:.3f}  "
            f"matched to JATS {r['matched']}  row recall {r['row_recall']:.3f}  "
            f"cell recall {r['cell_recall']:.3f}  number precision {r['precision']:.3f}  "
            f"parse {r['seconds']:.1f} s"
        )
    on, off = results.values()
    same = sum(a == b for a, b in zip(on["texts"], off["texts"], strict=True))
    print(
        f"Document.text identical with and without borderless rows: {same}/{len(pairs)} papers; "
        f"parse time ratio on/off {on['seconds'] / off['seconds']:.2f}"
    )


if __name__ == "__main__":
    main()
