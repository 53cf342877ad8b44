"""The self-contained HTML report of `litextract verify`: counts, problems, every value.

Paper text (quotes, labels) and record text are escaped wherever shown: a paper cannot
add markup or script to the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from extractor.check import Code
from schemas.extracted import Extracted, Triage
from schemas.form import Form
from schemas.record import RecordLine

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;
vertical-align:top;text-align:left}th{background:#f3f3f3}.verified{color:#176b2c}
.check{color:#a35a00}.missing,.na{color:#777}blockquote{margin:0;color:#444;font-size:12px}
"""


def render_report(
    form: Form,
    lines: Sequence[RecordLine],
    counts: Mapping[str, Mapping[str, int]],
    problems: Sequence[str],
    source: Path,
) -> str:
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>litextract verify: {escape(source.name)}</title><style>{_STYLE}</style>",
        "</head><body>",
        f"<h1>verify: {escape(source.name)} ({escape(form.name)})</h1>",
        "<p>Each value was located in its paper by the tool and checked in its role (arm, "
        "outcome, timepoint, paired values, effect). <b>verified</b>: the checks confirm it; "
        "<b>check</b>: a reviewer must look (the reasons say why); a value only printed "
        "somewhere is never verified.</p>",
        _counts(counts),
    ]
    if problems:
        parts.append("<h2>Problems</h2><ul>")
        parts += [f"<li>{escape(p)}</li>" for p in problems]
        parts.append("</ul>")
    parts.append("<h2>Values</h2>")
    for line in lines:
        parts.append(_record(line))
    parts.append("</body></html>")
    return "\n".join(parts)


def _counts(counts: Mapping[str, Mapping[str, int]]) -> str:
    rows = ["<table><tr><th>field</th><th>verified</th><th>check</th><th>missing</th></tr>"]
    for name, per in counts.items():
        cells = "".join(f"<td>{per.get(t, 0)}</td>" for t in Triage)
        rows.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _record(line: RecordLine) -> str:
    target = line.target or {}
    title = " / ".join(str(v) for v in target.values())
    head = escape(line.paper_id) + (f" #{escape(line.target_id)}" if line.target_id else "")
    parts = [f"<h3>{head}</h3>"]
    if title:
        parts.append(f"<p>{escape(title)}</p>")
    parts.append("<table><tr><th>field</th><th>value</th><th>triage</th><th>why</th>"
                 "<th>where the tool found it</th></tr>")  # fmt: skip
    not_applicable = []
    for name, extracted in line.record.items():
        if _not_applicable(extracted):
            # Empty because the form says the field does not apply to this record: the
            # triage calls that `verified` (nothing to do), but nothing was checked.
            not_applicable.append(name)
            continue
        if extracted.value is None and not extracted.findings:
            continue
        why = [f"{escape(f.code)}: {escape(f.message)}" for f in extracted.findings]
        if extracted.checks_passed:
            why.append(f"passed: {escape(', '.join(extracted.checks_passed))}")
        if extracted.derivation:
            why.append(f"derived: {escape(extracted.derivation)}")
        where = "".join(
            f"<blockquote>p. {e.page if e.page is not None else '?'}: {escape(e.quote[:400])}"
            "</blockquote>"
            for e in extracted.evidence[:3]
        )
        triage = extracted.triage.value
        parts.append(
            f"<tr><td>{escape(name)}</td><td>{escape(_show(extracted.value))}</td>"
            f"<td class='{triage}'>{triage}</td><td>{'<br>'.join(why)}</td><td>{where}</td></tr>"
        )
    if not_applicable:
        names = ", ".join(escape(name) for name in not_applicable)
        parts.append(f"<tr><td colspan='5' class='na'>n/a, does not apply: {names}</td></tr>")
    parts.append("</table>")
    return "".join(parts)


def _not_applicable(extracted: Extracted[Any]) -> bool:
    return extracted.value in (None, []) and Code.not_applicable in extracted.reasons


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
