"""Which targets are pooled together: a grouping file, or matching labels by default.

YAML:

    analyses:
      mortality:                       # analysis name
        targets: [PMC123#5, PMC456#9]  # paper_id#target_id, or a bare target_id
        measure: OR                    # optional: the measure the forest plot shows
      pain:
        match:                         # a rule: case-insensitive regular expressions
          outcome: "pain|vas"
          intervention: "acupuncture"
      headache: [PMC9#3, PMC9#4]       # short form: just the targets

CSV: columns `analysis` and `target_id` (optional `paper_id`, `measure`), one row per target.

Without a file, targets whose intervention, comparator and outcome labels read the same
(case, spacing and punctuation folded) form one analysis.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eval.synthesis.effects import MEASURES
from eval.synthesis.studies import Study
from extractor.spreadsheet import unguard_formula
from schemas.errors import InputError
from schemas.values import normalize_text

LABELS = ("intervention", "comparator", "outcome")


@dataclass
class Analysis:
    name: str
    targets: set[str] = field(default_factory=set)  # "paper#target" or bare target ids
    rule: dict[str, re.Pattern[str]] = field(default_factory=dict)
    measure: str | None = None

    def includes(self, study: Study) -> bool:
        if self.targets:
            full = f"{study.paper_id}#{study.target_id}" if study.target_id else study.paper_id
            if full in self.targets or (study.target_id and study.target_id in self.targets):
                return True
        if self.rule:
            return all(
                pattern.search(study.target.get(label, "")) for label, pattern in self.rule.items()
            )
        return False


def load_groups(path: Path) -> list[Analysis]:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.suffix.lower() == ".csv":
        return _from_csv(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _from_yaml(path)
    raise InputError(path, "a grouping file is .yaml, .yml or .csv")


def _from_yaml(path: Path) -> list[Analysis]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML ({str(exc).splitlines()[0]})") from None
    analyses = data.get("analyses") if isinstance(data, dict) else None
    if not isinstance(analyses, dict) or not analyses:
        raise InputError(path, 'expected a mapping "analyses: {name: ...}"')
    return [_analysis(path, str(name), spec) for name, spec in analyses.items()]


def _analysis(path: Path, name: str, spec: Any) -> Analysis:
    if isinstance(spec, list):
        spec = {"targets": spec}
    if not isinstance(spec, dict):
        raise InputError(path, f"analysis {name!r}: expected targets, a match rule or a list")
    unknown = sorted(set(spec) - {"targets", "match", "measure"})
    if unknown:
        raise InputError(path, f"analysis {name!r}: unknown key(s) {', '.join(unknown)}")
    analysis = Analysis(name, {str(t) for t in spec.get("targets") or []})
    match = spec.get("match") or {}
    if not isinstance(match, dict):
        raise InputError(path, f"analysis {name!r}: match must map labels to patterns")
    for label, pattern in match.items():
        if label not in LABELS:
            raise InputError(path, f"analysis {name!r}: match on {label!r} (use {LABELS})")
        try:
            analysis.rule[label] = re.compile(str(pattern), re.IGNORECASE)
        except re.error as exc:
            raise InputError(path, f"analysis {name!r}: bad pattern {pattern!r} ({exc})") from None
    analysis.measure = _measure(path, name, spec.get("measure"))
    if not analysis.targets and not analysis.rule:
        raise InputError(path, f"analysis {name!r}: no targets and no match rule")
    return analysis


def _measure(path: Path, name: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    measure = str(value).upper()
    if measure not in MEASURES:
        raise InputError(path, f"analysis {name!r}: measure {value!r} (use {', '.join(MEASURES)})")
    return measure


def _from_csv(path: Path) -> list[Analysis]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or [])
        if not {"analysis", "target_id"} <= columns:
            raise InputError(path, "line 1: needs the columns analysis and target_id")
        out: dict[str, Analysis] = {}
        for number, row in enumerate(reader, start=2):
            name = unguard_formula((row.get("analysis") or "").strip())
            target = unguard_formula((row.get("target_id") or "").strip())
            if not name or not target:
                raise InputError(path, f"line {number}: empty analysis or target_id")
            analysis = out.setdefault(name, Analysis(name))
            paper = unguard_formula((row.get("paper_id") or "").strip())
            analysis.targets.add(f"{paper}#{target}" if paper else target)
            measure = _measure(path, name, row.get("measure"))
            analysis.measure = measure or analysis.measure
    return list(out.values())


def assign(studies: list[Study], analyses: list[Analysis] | None) -> dict[str, list[Study]]:
    """analysis name -> its studies, in input order (a study may sit in several analyses)."""
    if analyses is None:
        return _by_labels(studies)
    # Target lists are looked up, not scanned: 500 analyses x 10,000 targets stays linear.
    index: dict[str, list[int]] = {}
    for i, study in enumerate(studies):
        if study.target_id:
            index.setdefault(f"{study.paper_id}#{study.target_id}", []).append(i)
            index.setdefault(study.target_id, []).append(i)
        else:
            index.setdefault(study.paper_id, []).append(i)
    out: dict[str, list[Study]] = {}
    for analysis in analyses:
        hits = {i for t in analysis.targets for i in index.get(t, ())}
        if analysis.rule:
            hits |= {i for i, s in enumerate(studies) if analysis.includes(s)}
        out[analysis.name] = [studies[i] for i in sorted(hits)]
    return out


def unknown_targets(studies: list[Study], analyses: list[Analysis]) -> list[str]:
    """Each "analysis: target" a grouping names that no record has (a typo, a target that
    failed): said, never dropped without a word."""
    known = {s.target_id for s in studies if s.target_id} | {s.paper_id for s in studies}
    known |= {f"{s.paper_id}#{s.target_id}" for s in studies if s.target_id}
    return [
        f"{analysis.name}: {ref}"
        for analysis in analyses
        for ref in sorted(analysis.targets)
        if ref not in known
    ]


def _by_labels(studies: list[Study]) -> dict[str, list[Study]]:
    groups: dict[tuple[str, ...], list[Study]] = {}
    names: dict[tuple[str, ...], str] = {}
    for study in studies:
        key = tuple(normalize_text(study.target.get(label, "")) for label in LABELS)
        if not any(key):
            key = ("all studies",)
        groups.setdefault(key, []).append(study)
        names.setdefault(key, _label_name(study))
    return {names[k]: v for k, v in groups.items()}


def _label_name(study: Study) -> str:
    t = study.target
    if not any(t.get(label) for label in LABELS):
        return "all studies"
    return f"{t.get('intervention', '?')} vs {t.get('comparator', '?')}: {t.get('outcome', '?')}"
