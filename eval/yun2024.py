"""Adapter for the Yun et al. 2024 data (arXiv:2405.01686): gold and GPT-4 answers as JSONL.

    python -m eval.yun2024 gold OUT.jsonl [--source FILE ...]   # human references -> gold JSONL
    python -m eval.yun2024 gpt4 OUT.jsonl [--source FILE ...]   # GPT-4 YAML answers -> predictions

paper_id is "PMC" + pmcid and target_id the record's id, as in the corpus targets.
Reference values are copied as written: "" becomes null, and text such as
"1,525" stays text, so the audit's `numeric_text` setting decides whether it
is the number 1525 (`parse`, the default) or text that no number equals
(`keep`, what Yun et al.'s scorer does). GPT-4 answers are parsed the way
their scorer does: strip the code fence and the word "yaml", drop tabs, read
the YAML; "x" (their "not available") and absent keys become null. The
outcome type was given to the model (one task per type), so it is not a
prediction and is left out of the predicted records.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from extractor.fileio import atomic_write_text
from schemas.rct_outcomes import CORE_FIELDS

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "gold" / "rct_yun2024"
GOLD_SOURCE = CORPUS / "gold_for_available_pdfs.json"
GPT4_SOURCES = (
    CORPUS / "gpt4_outputs" / "gpt4_binary_outcomes_test_output.json",
    CORPUS / "gpt4_outputs" / "gpt4_continuous_outcomes_test_output.json",
)
FIELDS = CORE_FIELDS  # the fields Yun et al. annotated
_ANSWER_KEYS = {
    "binary": ("events", "group_size"),
    "continuous": ("mean", "standard_deviation", "group_size"),
}


def _identity(row: dict) -> dict[str, str]:
    return {"paper_id": f"PMC{row['pmcid']}", "target_id": str(row["id"])}


def _target(row: dict) -> dict[str, str]:
    return {k: str(row[k]) for k in ("intervention", "comparator", "outcome") if k in row}


def gold_records(rows: Iterable[dict]) -> list[dict]:
    """Yun et al. reference rows -> gold lines (values as written; "" -> null)."""
    out = []
    for row in rows:
        record = {f: (None if row.get(f) in ("", None, "x") else row[f]) for f in FIELDS}
        out.append({**_identity(row), "target": _target(row), "record": record})
    return out


def clean_yaml_answer(text: str) -> str:
    """The clean-up of Yun et al.'s scorer (utils.clean_yaml_output)."""
    return (
        text.replace("```", "")
        .replace("yaml", "")
        .replace("\t", "")
        .replace("-x\n", "x\n")
        .replace("-\n", "x\n")
    )


def parse_answer(text: str, outcome_type: str) -> dict[str, Any]:
    """One GPT-4 YAML answer -> form field values (null where "x", absent or unreadable)."""
    keys = _ANSWER_KEYS[outcome_type]
    try:
        parsed = yaml.safe_load(clean_yaml_answer(text)) if text.strip() else None
    except yaml.YAMLError:
        parsed = None
    parsed = parsed if isinstance(parsed, dict) else {}
    out: dict[str, Any] = {}
    for arm in ("intervention", "comparator"):
        answer = parsed.get(arm)
        answer = answer if isinstance(answer, dict) else {}
        for key in keys:
            value = answer.get(key, "x")
            out[f"{arm}_{key}"] = None if value in ("x", None) else value
    return out


def gpt4_records(rows: Iterable[dict]) -> list[dict]:
    """Yun et al. GPT-4 output rows -> plain prediction lines (gold line format)."""
    return [
        {**_identity(row), "record": parse_answer(row.get("output") or "", row["outcome_type"])}
        for row in rows
    ]


def _read_rows(sources: Iterable[Path]) -> list[dict]:
    rows: list[dict] = []
    for source in sources:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise SystemExit(f"{source}: expected a JSON list of Yun et al. records")
        rows.extend(data)
    return rows


def write_jsonl(lines: list[dict], out: Path) -> None:
    atomic_write_text(out, "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.yun2024",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("what", choices=("gold", "gpt4"))
    parser.add_argument("out", type=Path)
    parser.add_argument(
        "--source",
        type=Path,
        action="append",
        help="Yun et al. JSON file(s); default: the corpus copies",
    )
    args = parser.parse_args(argv)
    default = [GOLD_SOURCE] if args.what == "gold" else list(GPT4_SOURCES)
    sources = args.source or default
    for source in sources:
        if not source.is_file():
            print(f"{source}: file not found", file=sys.stderr)
            return 2
    rows = _read_rows(sources)
    lines = gold_records(rows) if args.what == "gold" else gpt4_records(rows)
    write_jsonl(lines, args.out)
    print(f"{args.out}: {len(lines)} {args.what} records from {len(sources)} file(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
