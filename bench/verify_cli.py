"""The issue's measure, taken the issue's way: Yun's gold and swapped-arm decoys through the
real `litextract verify` command, beside the in-process path `bench/verify_roles.py` uses.

    python bench/verify_cli.py [--split DEV|TEST] [--limit N]

The issue's owners will measure a held-out decoy set by writing records as JSONL lines
({"paper_id", "target_id", "intervention", "comparator", "outcome", "record"}) and running
`litextract verify RECORDS --papers DIR --form rct_outcomes --out OUT` with no model. This
does exactly that, in a subprocess, and then compares every value's triage with
`extractor.verify.verify_values` on the same values: the figures of verify_roles.py hold for
the command only if the two agree value for value. Printed: gold and decoys verified through
the command, the values where the two paths disagree (should be 0), and the wall time of
the command per paper.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verify_roles import GOLD, NUMBERS, PDFS, SWAP, Papers, target_of, values_of

from extractor.verify import verify_values
from schemas.extracted import Triage
from schemas.registry import load_form


def records_of(rows: list[dict]) -> list[dict]:
    """One JSONL line per (target, kind of values): the gold and its arms swapped."""
    lines = []
    for row in rows:
        kind = row["outcome_type"]
        if kind not in NUMBERS or not (PDFS / f"PMC{row['pmcid']}.pdf").is_file():
            continue
        gold = values_of(row, kind)
        swapped = {SWAP.get(k, k): v for k, v in gold.items()}
        for label, values in (("gold", gold), ("swapped", swapped)):
            lines.append(
                {
                    "paper_id": f"PMC{row['pmcid']}",
                    "target_id": f"{row['id']}-{label}",
                    **target_of(row),
                    "record": values,
                    "_gold": gold,
                }
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("DEV", "TEST"), default="TEST")
    parser.add_argument("--limit", type=int, default=0, help="papers (0: all)")
    args = parser.parse_args(argv)
    if not GOLD.is_file():
        print(f"{GOLD}: not found (the corpus is needed)", file=sys.stderr)
        return 2
    rows = [r for r in json.loads(GOLD.read_text(encoding="utf-8")) if r["split"] == args.split]
    if args.limit:
        keep = list(dict.fromkeys(r["pmcid"] for r in rows))[: args.limit]
        rows = [r for r in rows if r["pmcid"] in keep]
    lines = records_of(rows)
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "records.jsonl"
        sheet.write_text(
            "".join(
                json.dumps({k: v for k, v in line.items() if k != "_gold"}) + "\n" for line in lines
            )
        )
        out = Path(tmp) / "out"
        command = [str(Path(sys.executable).with_name("litextract")), "verify", str(sheet)]
        command += ["--papers", str(PDFS), "--form", "rct_outcomes", "--out", str(out)]
        started = time.perf_counter()
        done = subprocess.run([*command, "--no-progress"], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
            return 1
        made = {
            obj["target_id"]: obj["record"]
            for obj in map(json.loads, (out / "records.jsonl").read_text().splitlines())
        }
    form = load_form("rct_outcomes")
    papers = Papers()
    counts = {"gold": [0, 0], "swapped": [0, 0]}
    disagree = []
    for line in lines:
        label = line["target_id"].rsplit("-", 1)[1]
        values, gold = line["record"], line["_gold"]
        paper = papers.get(line["paper_id"].removeprefix("PMC"))
        assert paper is not None
        here = verify_values(form, values, paper, {k: line[k] for k in target_of(line)})
        for name in NUMBERS[values["outcome_type"]]:
            if name not in values or (label != "gold" and values[name] == gold.get(name)):
                continue
            by_command = made[line["target_id"]][name]["triage"]
            counts[label][0] += 1
            counts[label][1] += by_command == Triage.verified
            if by_command != here[name].triage.value:
                disagree.append((line["target_id"], name, by_command, here[name].triage.value))
    papers_n = len({line["paper_id"] for line in lines})
    print(f"`litextract verify`, no model, {args.split}: {len(lines)} records, {papers_n} papers")
    print("| values | n | verified by the command | share |\n|---|---|---|---|")
    for label, (total, verified) in counts.items():
        print(f"| {label} | {total} | {verified} | {verified / max(1, total):.3f} |")
    print(f"values where the command and verify_values disagree: {len(disagree)}")
    for item in disagree[:10]:
        print("  ", item)
    print(f"command wall time {seconds:.1f} s, {seconds / max(1, papers_n):.2f} s per paper")
    return 0 if not disagree else 1


if __name__ == "__main__":
    raise SystemExit(main())
