"""Count each trial once in an analysis: multi-arm trials, and several reports of a trial.

- **Arms shared within a paper.** Targets of one paper in one analysis that share an arm
  (the same intervention or comparator text, case and punctuation folded) are not
  independent: pooled as they are, the shared group is counted once per comparison.
  `combine` (the default; Cochrane Handbook 23.3.4) merges the other arms into one
  group: events and N added, or the groups' means and SDs combined (Handbook Table
  6.5.a). `split` keeps each comparison but divides the shared group's N (and events)
  evenly between them (Handbook 23.3.4, second option).
- **Several reports of one trial.** Studies that name the same trial (`Study.study_id`:
  a registration number NCT…, ISRCTN…, ACTRN… read from the record or the paper, or an
  id the user gives) count once: the report with the most participants is kept, the
  others are left out with a line saying which report stands for them.
- **One comparison measured again.** Targets of one paper whose arms are both alike
  (another outcome wording or time point in the same analysis) are the same
  participants: the first stands for the rest, which are left out with a line.

Each merged or split study keeps a sentence saying what was done (`grouping`), which
the exports, the forest plot and the page show.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from pathlib import Path

from eval.synthesis.effects import Exclusion
from eval.synthesis.studies import Study
from extractor.document import Document
from schemas.derive import combine_means
from schemas.errors import InputError
from schemas.registrations import registrations
from schemas.roles import EffectRoles
from schemas.values import normalize_text

MULTI_ARM_MODES = ("combine", "split")
HANDBOOK = "Cochrane Handbook 23.3.4"


def load_study_ids(path: Path) -> dict[str, str]:
    """CSV `paper_id,study_id`: reports a user knows to be one trial."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"paper_id", "study_id"} <= set(reader.fieldnames or []):
            raise InputError(path, "line 1: needs the columns paper_id and study_id")
        out = {}
        for number, row in enumerate(reader, start=2):
            paper, study = (row.get("paper_id") or "").strip(), (row.get("study_id") or "").strip()
            if not paper or not study:
                raise InputError(path, f"line {number}: empty paper_id or study_id")
            out[paper] = study
    return out


def assign_study_ids(
    studies: list[Study],
    roles: EffectRoles | None,
    *,
    given: dict[str, str] | None = None,
    registered: dict[str, list[str]] | None = None,
) -> list[Study]:
    """Studies with `study_id` set: the user's id, else the form's `study_id` field, else
    the registration number the paper's text names most."""
    field_name = roles.field("study_id") if roles else None
    out = []
    for study in studies:
        sid = (given or {}).get(study.paper_id)
        if sid is None and field_name and study.values.get(field_name):
            found = registrations(str(study.values[field_name]))
            sid = found[0] if found else str(study.values[field_name]).strip()
        if sid is None and registered and registered.get(study.paper_id):
            sid = registered[study.paper_id][0]
        out.append(replace(study, study_id=sid) if sid else study)
    return out


@dataclass
class Counted:
    """An analysis's studies with each trial once, and what was done to get there."""

    studies: list[Study]
    excluded: list[Exclusion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # one line per merge, split or grouping


def count_once(
    members: list[Study], roles: EffectRoles, kinds: dict, mode: str = "combine"
) -> Counted:
    """`members` of one analysis with shared arms combined or split and repeat reports
    of one trial left out. `kinds` maps study keys to binary | continuous."""
    if mode not in MULTI_ARM_MODES:
        raise ValueError(f"multi-arm mode {mode!r}: use combine or split")
    result = Counted([])
    by_paper: dict[str, list[Study]] = {}
    for study in members:
        by_paper.setdefault(study.paper_id, []).append(study)
    for paper_studies in by_paper.values():
        result.studies += _one_paper(paper_studies, roles, kinds, mode, result)
    result.studies = _one_report_per_trial(result.studies, roles, result)
    return result


def _arm_key(study: Study, label: str) -> str:
    return normalize_text(study.target.get(label, "") or "")


def _one_paper(
    studies: list[Study], roles: EffectRoles, kinds: dict, mode: str, result: Counted
) -> list[Study]:
    if len(studies) < 2:
        return studies
    for shared, other in (("comparator", "intervention"), ("intervention", "comparator")):
        groups: dict[str, list[Study]] = {}
        for s in studies:
            if _arm_key(s, shared):
                groups.setdefault(_arm_key(s, shared), []).append(s)
        multi = [g for g in groups.values() if len(g) > 1]
        if not multi:
            continue
        out = [s for s in studies if all(s not in g for g in multi)]
        for group in multi:
            group = _one_per_comparison(group, other, result)
            if len(group) < 2:
                out += group
                continue
            kind = {kinds.get(s.key) for s in group}
            if len(kind) != 1 or None in kind:
                out += group  # arms of different outcome types are not one comparison
                continue
            if mode == "combine":
                merged = _combine(group, roles, kind.pop(), shared, other)
                result.notes.append(merged.grouping)
                out.append(merged)
            else:
                split = _split(group, roles, kind.pop(), shared)
                result.notes.append(split[0].grouping)
                out += split
        return out
    return studies


def _one_per_comparison(group: list[Study], other: str, result: Counted) -> list[Study]:
    """Targets with both arms alike are one comparison measured again (another outcome
    wording or time point): the same participants, so the first stands for the rest."""
    kept: dict[str, Study] = {}
    for s in group:
        key = _arm_key(s, other)
        if key in kept:
            result.excluded.append(
                Exclusion(
                    s.label,
                    "same_comparison",
                    f"the same comparison of one trial as {kept[key].label} (another outcome "
                    "or time point): its participants counted once",
                )
            )
        else:
            kept[key] = s
    return list(kept.values())


def _numbers(study: Study, roles: EffectRoles, roles_wanted: tuple[str, ...]) -> dict:
    out = {}
    for role in roles_wanted:
        name = roles.field(role)
        value = study.values.get(name) if name else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[role] = float(value)
    return out


def _combine(group: list[Study], roles: EffectRoles, kind: str, shared: str, other: str) -> Study:
    """One study: the non-shared arms merged into one group, the shared arm once."""
    side = "1" if other == "intervention" else "2"
    first = group[0]
    values = dict(first.values)
    if kind == "binary":
        events = "ai" if side == "1" else "ci"
        wanted = (events, f"n{side}i")
    else:
        wanted = (f"m{side}i", f"sd{side}i", f"n{side}i")
    arms = [_numbers(s, roles, wanted) for s in group]
    complete = all(len(a) == len(wanted) for a in arms)
    labels = " + ".join(s.target.get(other, "?") for s in group)
    how = (
        f"{first.paper_id}: {len(group)} arms sharing the {shared} "
        f"'{first.target.get(shared, '')}' combined into one {other} group ({labels}), "
        f"{HANDBOOK}"
    )
    # Numbers an arm derived from its printed form stay marked derived; combining arms is
    # not a derivation (nothing is estimated), so it is said in `grouping`, not there.
    derivations = {r: d for r, d in first.derivations.items() if r not in wanted}
    for s in group:
        derivations |= {r: d for r, d in s.derivations.items() if r in wanted}
    if complete:
        if kind == "binary":
            total = {r: sum(a[r] for a in arms) for r in wanted}
            how += f": {wanted[0]} {total[wanted[0]]:g}, {wanted[1]} {total[wanted[1]]:g}"
        else:
            n, m, sd = arms[0][wanted[2]], arms[0][wanted[0]], arms[0][wanted[1]]
            for a in arms[1:]:
                n, m, sd = combine_means(n, m, sd, a[wanted[2]], a[wanted[0]], a[wanted[1]])
            total = {wanted[0]: m, wanted[1]: sd, wanted[2]: n}
            how += f": N {n:g}, mean {m:.4g}, SD {sd:.4g} (Handbook Table 6.5.a)"
        for role in wanted:
            name = roles.field(role)
            if name:
                values[name] = total[role]
    # The shared arm is one group in every comparison: its numbers (those of the first
    # target, as printed) are taken once.
    target = dict(first.target)
    target[other] = labels
    merged_id = "+".join(str(s.target_id) for s in group)
    return replace(
        first,
        target_id=merged_id,
        target=target,
        values=values,
        derivations=derivations,
        grouping=how,
        members=[s.label for s in group],
    )


def _split(group: list[Study], roles: EffectRoles, kind: str, shared: str) -> list[Study]:
    """Each comparison kept, the shared group's N (and events) divided between them."""
    side = "2" if shared == "comparator" else "1"
    wanted = ((("ci" if side == "2" else "ai"), f"n{side}i") if kind == "binary"
              else (f"n{side}i",))  # fmt: skip
    k = len(group)
    how = (
        f"{group[0].paper_id}: the shared {shared} '{group[0].target.get(shared, '')}' split "
        f"between {k} comparisons (N and events / {k}), {HANDBOOK}"
    )
    out = []
    for s in group:
        values = dict(s.values)
        for role in wanted:
            name = roles.field(role)
            value = values.get(name) if name else None
            if name and isinstance(value, (int, float)) and not isinstance(value, bool):
                values[name] = value / k
        out.append(
            replace(s, values=values, grouping=how, members=[x.label for x in group])
        )  # fmt: skip
    return out


def _total_n(study: Study, roles: EffectRoles) -> float:
    numbers = _numbers(study, roles, ("n1i", "n2i"))
    return sum(numbers.values())


def _one_report_per_trial(studies: list[Study], roles: EffectRoles, result: Counted) -> list[Study]:
    by_trial: dict[str, list[Study]] = {}
    for s in studies:
        if s.study_id:
            by_trial.setdefault(s.study_id.upper(), []).append(s)
    dropped: set[int] = set()
    for trial, reports in by_trial.items():
        papers = {s.paper_id for s in reports}
        if len(papers) < 2:
            continue
        kept = max(reports, key=lambda s: _total_n(s, roles))  # first of the largest
        for s in reports:
            if s is kept or s.paper_id == kept.paper_id:
                continue
            dropped.add(id(s))
            result.excluded.append(
                Exclusion(
                    s.label,
                    "same_trial",
                    f"another report of trial {trial}: counted once, as {kept.label}",
                )
            )
        result.notes.append(
            f"trial {trial}: {len(papers)} reports ({', '.join(sorted(papers))}), counted "
            f"once as {kept.label}"
        )
    return [s for s in studies if id(s) not in dropped]


def parsed_registrations(folder: Path) -> dict[str, list[str]]:
    """paper_id -> the registration ids each `litextract parse` output in `folder`
    (<paper_id>.json) names, most mentioned first."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "not a folder of parsed papers (litextract parse --out)")
    out = {}
    for path in sorted(folder.glob("*.json")):
        try:
            out[path.stem] = registrations(Document.model_validate_json(path.read_bytes()).text)
        except ValueError:
            continue  # not a parsed paper: other JSON may sit beside them
    return out
