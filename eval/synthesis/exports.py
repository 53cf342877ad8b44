"""Files for the tools meta-analysts already use, and the tables as one workbook.

- `metafor.csv`: one row per (analysis, target) with escalc's argument names (ai, bi, ci,
  di, n1i, n2i for events; m1i, sd1i, m2i, sd2i for means), study labels, the triage of
  its numbers, why a target was left out, which numbers were derived (method and
  formula) and how a multi-arm or multi-report trial was counted once, so in R:
  `escalc("OR", ai=ai, bi=bi, ci=ci, di=di, data=subset(read.csv(f), analysis == "..."))`.
- RevMan Web study-centric CSVs (`revman_study_information.csv`, `revman_study_arms.csv`,
  `revman_study_results.csv`): one row per study; one row per arm; one row per arm and
  outcome with arm-level results (Events/Total or Mean/SD/Total), the layout of
  RevMan's "Populate study data" knowledge-base page (column names modelled on its
  example, Study ID / Intervention / Arm / Events / Total; not checked against a RevMan
  import here).
- `synthesis.xlsx`: every table of the run, one sheet each.

CSV text is UTF-8 with a BOM and guarded against spreadsheet formula injection, as the
review export does (one guard: `extractor.spreadsheet.guard_formula`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eval.synthesis.effects import EffectTable
from eval.synthesis.grouping import Analysis, assign
from eval.synthesis.meta import MetaAnalyses
from eval.synthesis.studies import Study
from extractor.fileio import atomic_path, atomic_write_bytes
from extractor.spreadsheet import append_row, guard_formula
from schemas.roles import BINARY_ROLES, CONTINUOUS_ROLES, EffectRoles

Row = Sequence[Any]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Row]) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else guard_formula(_plain(v)) for v in row])
    atomic_write_bytes(path, buffer.getvalue().encode("utf-8-sig"))
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


METAFOR_COLUMNS = [
    "analysis",
    "study",
    "paper_id",
    "target_id",
    "intervention",
    "comparator",
    "outcome",
    "outcome_type",
    "ai",
    "bi",
    "ci",
    "di",
    "n1i",
    "n2i",
    "m1i",
    "sd1i",
    "m2i",
    "sd2i",
    "numbers_verified",
    "left_out",
    "derived",  # numbers not printed as such: method and formula (blank: all printed)
    "counted_as",  # the study a multi-arm or multi-report trial was pooled as
    "grouping",  # what was done to count the trial once
]


def derived_text(study: Study, roles: list[str] | None = None) -> str:
    """`role: method (formula)` for each derived number of a study, '; '-joined."""
    parts = []
    seen: set[int] = set()
    for role, d in study.derivations.items():
        if (roles is None or role in roles) and id(d) not in seen:
            seen.add(id(d))
            parts.append(f"{role}: {d.describe()}")
    return "; ".join(parts)


def _counted(meta: MetaAnalyses | None) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(analysis, target label) -> (counted as, grouping, left out as a repeat report)."""
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    for r in meta.results if meta else []:
        for effects in r.effects.values():
            for e in effects:
                for member in e.study.members:
                    out[(r.name, member)] = (e.study.label, e.study.grouping, "")
        for x in r.excluded:
            out[(r.name, x.label)] = ("", "", x.message)
    return out


def metafor_rows(
    studies: list[Study],
    table: EffectTable,
    roles: EffectRoles,
    grouped: dict[str, list[Study]],
    meta: MetaAnalyses | None = None,
) -> list[list[Any]]:
    why = {e.label: e.message for e in table.excluded}
    counted = _counted(meta)
    rows = []
    seen: set[tuple[str, str | None]] = set()
    for analysis, members in [*grouped.items(), ("", studies)]:
        for study in members:
            if analysis == "" and study.key in seen:
                continue  # the trailing block lists only targets no analysis took
            seen.add(study.key)
            kind = table.outcome_types.get(study.key, "")
            number = _numbers(study, roles, kind)
            fields = roles.number_fields(kind) if kind else []
            rows.append(
                [
                    analysis,
                    study.label,
                    study.paper_id,
                    study.target_id,
                    study.target.get("intervention"),
                    study.target.get("comparator"),
                    study.target.get("outcome"),
                    kind,
                    number.get("ai"),
                    _minus(number.get("n1i"), number.get("ai")) if kind == "binary" else None,
                    number.get("ci"),
                    _minus(number.get("n2i"), number.get("ci")) if kind == "binary" else None,
                    number.get("n1i"),
                    number.get("n2i"),
                    number.get("m1i"),
                    number.get("sd1i"),
                    number.get("m2i"),
                    number.get("sd2i"),
                    "yes" if fields and study.is_verified(fields) else "no",
                    why.get(study.label, "")
                    or counted.get((analysis, study.label), ("", "", ""))[2],
                    derived_text(study, list(number)),
                    *counted.get((analysis, study.label), ("", "", ""))[:2],
                ]
            )
    return rows


def _numbers(study: Study, roles: EffectRoles, kind: str) -> dict[str, Any]:
    wanted = BINARY_ROLES if kind == "binary" else CONTINUOUS_ROLES if kind else ()
    return {r: study.values.get(roles.fields[r]) for r in wanted if r in roles.fields}


def _minus(total: Any, part: Any) -> Any:
    if isinstance(total, (int, float)) and isinstance(part, (int, float)):
        return total - part
    return None


def write_metafor(
    out: Path,
    studies: list[Study],
    table: EffectTable,
    roles: EffectRoles,
    analyses: list[Analysis] | None,
    meta: MetaAnalyses | None = None,
) -> Path:
    grouped = assign(studies, analyses)
    return write_csv(out, METAFOR_COLUMNS, metafor_rows(studies, table, roles, grouped, meta))


def write_revman(
    folder: Path, studies: list[Study], table: EffectTable, roles: EffectRoles
) -> list[Path]:
    info: dict[str, list[Any]] = {}
    arms: dict[tuple[str, str], list[Any]] = {}
    results = []
    for study in studies:
        kind = table.outcome_types.get(study.key)
        if kind is None:
            continue
        number = _numbers(study, roles, kind)
        info.setdefault(study.paper_id, [study.paper_id, study.paper_id])
        for arm, label in (("1", "intervention"), ("2", "comparator")):
            name = study.target.get(label) or label
            arms.setdefault((study.paper_id, name), [study.paper_id, name, name])
            results.append(
                [
                    study.paper_id,
                    study.target.get("outcome") or study.target_id,
                    "Dichotomous" if kind == "binary" else "Continuous",
                    name,
                    name,
                    number.get("ai" if arm == "1" else "ci") if kind == "binary" else None,
                    number.get(f"m{arm}i"),
                    number.get(f"sd{arm}i"),
                    number.get(f"n{arm}i"),
                    derived_text(study, [r for r in number if r.endswith(f"{arm}i")]),
                ]
            )
    return [
        write_csv(
            folder / "revman_study_information.csv", ["Study ID", "Study name"], info.values()
        ),
        write_csv(
            folder / "revman_study_arms.csv",
            ["Study ID", "Arm", "Intervention"],
            arms.values(),
        ),
        write_csv(
            folder / "revman_study_results.csv",
            [
                "Study ID",
                "Outcome",
                "Data type",
                "Intervention",
                "Arm",
                "Events",
                "Mean",
                "SD",
                "Total",
                "Derived",  # not a RevMan column: how a number not printed was obtained
            ],
            results,
        ),
    ]


def write_xlsx(path: Path, sheets: list[tuple[str, Sequence[str], list[Row]]]) -> Path:
    """One sheet per (name, header, rows); names are cut to Excel's 31 characters."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for name, header, rows in sheets:
        title = _sheet_title(name, used)
        sheet = workbook.create_sheet(title)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            append_row(sheet, row)  # text cells as they are: never evaluated
    if not workbook.sheetnames:
        workbook.create_sheet("empty")  # a workbook needs one visible sheet (openpyxl)
    with atomic_path(path) as tmp:
        workbook.save(tmp)
    return path


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title
