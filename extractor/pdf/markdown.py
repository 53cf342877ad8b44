"""A readable Markdown view of a `Document` (for people, not for later stages)."""

from __future__ import annotations

from extractor.document import Document, Table


def to_markdown(doc: Document) -> str:
    out: list[str] = []
    meta = doc.metadata
    out.append(f"# {meta.title or doc.paper_id}\n")
    facts = [
        ", ".join(meta.authors) if meta.authors else None,
        str(meta.year) if meta.year else None,
        f"doi:{meta.doi}" if meta.doi else None,
        f"{doc.source.pages} pages, sha256 {doc.source.sha256[:12]}",
    ]
    out.append(" · ".join(f for f in facts if f) + "\n")
    for warning in doc.warnings:
        out.append(f"> warning: {warning}\n")
    tables = {t.char_start: t for t in doc.tables if t.rows and t.char_start is not None}
    for section in doc.sections:
        out.append(f"{'#' * min(section.level + 1, 6)} {section.heading}\n")
        body = _body(doc, section.char_start, section.char_end, tables)
        if body:
            out.append(body + "\n")
    return "\n".join(out)


def _body(doc: Document, start: int, end: int, tables: dict[int, Table]) -> str:
    """Section text with each linearised table replaced by a Markdown table."""
    parts: list[str] = []
    pos = start
    for t_start in sorted(k for k in tables if start <= k < end):
        table = tables[t_start]
        parts.append(doc.text[pos:t_start])
        parts.append(_table(table))
        pos = table.char_end or t_start
    parts.append(doc.text[pos:end])
    return "".join(parts).strip()


def _table(table: Table) -> str:
    width = max(len(row) for row in table.rows)
    rows = [[c.replace("|", "\\|") for c in row] + [""] * (width - len(row)) for row in table.rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)
