"""Small `Document`s built from plain text, for tests and benchmarks (no PDF needed)."""

from __future__ import annotations

from extractor.document import Document, PageSpan, Section, SourceInfo
from schemas.hashing import sha256_text


def make_document(pages: list[str], path: str = "PMC1.pdf") -> Document:
    """A Document with one page per string and a section per blank-line block."""
    text = ""
    page_map: list[PageSpan] = []
    sections: list[Section] = []
    for number, page_text in enumerate(pages, start=1):
        if text:
            text += "\n\n"
        start = len(text)
        offset = start
        for block in page_text.split("\n\n"):
            heading, _, body = block.partition("\n")
            body_start = offset + len(heading) + 1
            if body:
                sections.append(
                    Section(
                        heading=heading,
                        text=body,
                        page_start=number,
                        page_end=number,
                        char_start=body_start,
                        char_end=body_start + len(body),
                    )
                )
            offset += len(block) + 2
        text += page_text
        page_map.append(PageSpan(page=number, char_start=start, char_end=len(text)))
    sha = sha256_text(text)
    return Document(
        source=SourceInfo(path=path, sha256=sha, pages=len(pages)),
        text=text,
        sections=sections,
        page_map=page_map,
    )
