"""Review-test helpers: tiny PDFs, a small form, a fake extractor and a fake parser."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

import pymupdf
from pydantic import BaseModel, ConfigDict
from rich.console import Console

from extractor.document import Document, Metadata, SourceInfo
from extractor.key import ExtractionKey, target_hash
from extractor.review.config import ReviewConfig, save_config
from extractor.review.store import ReviewStore
from extractor.review.update import Pipeline, run_update
from schemas.extracted import Evidence, Extracted, Status
from schemas.form import Form, form_field
from schemas.record import Provenance, RecordLine, TokenUsage


class Arm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = form_field("arm name")
    size: int | None = form_field("participants")


class Mini(BaseModel):
    """A small form with one field of most kinds."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = form_field("paper title", group="identity")
    year: int | None = form_field("year", group="identity")
    modalities: list[Literal["ct", "mri", "xray"]] | None = form_field("modalities", group="data")
    score: float | None = form_field("headline score", group="data")
    public: bool | None = form_field("data public", group="data")
    arms: list[Arm] | None = form_field("trial arms", group="data")


MINI_FORM = Form.from_model(Mini, name="mini", version="1.0")


def write_pdf(path: Path, title: str, body: str = "", *, doi: str | None = None) -> Path:
    """A one-page PDF whose first line is the title (PyMuPDF writes it)."""
    doc = pymupdf.open()
    page = doc.new_page()
    text = title + "\n\n" + (f"doi: {doi}\n" if doi else "") + body
    page.insert_text((50, 72), text, fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def fake_parse(path: Path) -> Document:
    """Document with the PDF's text; title = first line, DOI from a 'doi:' line."""
    data = path.read_bytes()
    with pymupdf.open(path) as pdf:
        text = "".join(page.get_text() for page in pdf)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    doi = next((line[4:].strip() for line in lines if line.startswith("doi:")), None)
    return Document(
        source=SourceInfo(path=str(path), sha256=hashlib.sha256(data).hexdigest(), pages=1),
        metadata=Metadata(title=lines[0] if lines else None, doi=doi),
        text=text,
    )


class FakeExtractor:
    """Answers from the document text; counts calls; can fail for chosen papers."""

    def __init__(self, form: Form = MINI_FORM, prompt_hash: str = "prompt-1") -> None:
        self.form = form
        self.prompt_hash = prompt_hash
        self.model = "fake-model"
        self.calls: list[str] = []
        self.fail_on: set[str] = set()
        self.score = 0.5

    def key_for(self, paper_sha256: str, target: Any) -> ExtractionKey:
        content = target.as_dict() if hasattr(target, "as_dict") else target
        return ExtractionKey(
            paper_sha256,
            self.form.hash,
            self.prompt_hash,
            "fake",
            self.model,
            target_hash(content),
        )

    def make_record(self, document: Document, target: Any = None) -> RecordLine:
        self.calls.append(document.paper_id)
        if document.paper_id in self.fail_on:
            raise RuntimeError(f"model said no for {document.paper_id}")
        quote = (document.metadata.title or "")[:40]
        record = {
            "title": Extracted(
                value=document.metadata.title,
                status=Status.reported,
                evidence=[Evidence(quote=quote, page=1, alignment="exact")],
            ),
            "year": Extracted(value=2021, status=Status.reported),
            "modalities": Extracted(value=["ct", "mri"], status=Status.reported),
            "score": Extracted(value=self.score, status=Status.reported),
            "public": Extracted(value=True, status=Status.reported),
            "arms": Extracted(value=[{"name": "A", "size": 10}], status=Status.reported),
        }
        provenance = Provenance(
            paper_sha256=document.source.sha256,
            form=self.form.name,
            form_version=self.form.version,
            form_hash=self.form.hash,
            prompt_name="extract",
            prompt_hash=self.prompt_hash,
            backend="fake",
            model=self.model,
            usage=TokenUsage(prompt_tokens=100, completion_tokens=20),
            cost_usd=0.001,
            requests=1,
        )
        return RecordLine(
            paper_id=document.paper_id,
            target_id=target.target_id if target is not None else None,
            record=record,
            provenance=provenance,
        )


def fake_pipeline(extractor: FakeExtractor, *, model: str = "fake-model") -> Pipeline:
    extractor.model = model

    def parse_many(paths: list[Path]) -> Any:
        for path in paths:
            yield path, fake_parse(path)

    return Pipeline(
        form=extractor.form,
        maker=extractor,
        parse_many=parse_many,
    )


def model_versions(review: Path) -> dict[str, int]:
    """Model-made record versions per paper in the review's store."""
    with ReviewStore(review / "review.sqlite") as store:
        counts: dict[str, int] = {}
        for v in store.versions():
            if v.origin == "model":
                counts[v.paper_id] = counts.get(v.paper_id, 0) + 1
        return counts


MINI_YAML = """\
name: mini
version: "1.0"
fields:
  - {name: title, type: string, group: identity}
  - {name: year, type: integer, group: identity}
  - {name: modalities, type: "list[enum]", choices: [ct, mri, xray], group: data}
  - {name: score, type: number, group: data}
  - {name: public, type: boolean, group: data}
  - name: arms
    type: list[object]
    group: data
    fields:
      - {name: name, type: string}
      - {name: size, type: integer}
"""


def mini_yaml_review(review: Path, titles: list[str]) -> Path:
    """The `review` fixture with MINI_FORM as a YAML form (so CLI commands can load it)
    and one extracted paper per title: p0, p1, ..."""
    (review / "mini.yaml").write_text(MINI_YAML)
    save_config(review, ReviewConfig(form="mini.yaml", backend="fake", model="fake-model"))
    for i, title in enumerate(titles):
        write_pdf(review / "papers" / f"p{i}.pdf", title)
    run_update(review, pipeline=fake_pipeline(FakeExtractor()), console=Console(quiet=True))
    return review
