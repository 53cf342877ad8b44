"""Reviews for the reviewer-app tests and bench: real PDFs, parsed by the real parser,
with model records (values, located quotes, triage) written straight into the store."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pymupdf

from extractor.grounding import ground
from extractor.pdf.parse import parse_pdf
from extractor.review.config import ReviewConfig, save_config
from extractor.review.store import ExtractionKey, ReviewStore
from schemas.extracted import Extracted
from schemas.fm_imaging import FORM

if TYPE_CHECKING:
    from starlette.testclient import TestClient

EVIL = '<script>alert("x")</script> "><img src=x onerror=alert(1)>'

PARAGRAPHS = [
    "We present RadFM, a vision-language foundation model for radiology.",
    "The model has 86 million parameters and uses a ViT-B/16 backbone.",
    "It was pretrained on 1.2 million chest radiographs from three hospitals.",
    "On the CheXpert test set the model reached an AUC of 0.91 for classification.",
    "Code is available at github.com/example/radfm under an open licence.",
]


def write_paper(
    path: Path, title: str, *, pages: int = 2, extra: str = "", bottom: str = ""
) -> Path:
    """A PDF with a title, then the standard paragraphs spread over `pages` pages;
    `bottom` is a paragraph at the foot of page 1 (off screen until scrolled to)."""
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page()
        y = 72.0
        if number == 0:
            page.insert_textbox(pymupdf.Rect(72, y, 540, y + 60), title, fontsize=16)
            y += 70
        lines = (
            PARAGRAPHS
            if number == 0
            else [
                f"Section {number + 1}. Results on page {number + 1} are described here.",
                f"Table {number}: an AUC of 0.{80 + number % 20} on the external cohort.",
            ]
        )
        if number == 1 and extra:
            lines = [extra, *lines]
        for paragraph in lines:
            rect = pymupdf.Rect(72, y, 540, y + 60)
            page.insert_textbox(rect, paragraph, fontsize=11)
            y += 40
        if number == 0 and bottom:
            page.insert_textbox(pymupdf.Rect(72, 720, 540, 780), bottom, fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    doc.close()
    return path


def _value(
    document: Any, value: Any, quote: str | None, triage: str, page: int | None = None, **more: Any
) -> dict:
    evidence = [ground(document, quote, page)] if quote else []
    status = "reported" if value is not None else "not_reported"
    return Extracted(
        value=value, status=status, evidence=evidence, triage=triage, **more
    ).model_dump(mode="json")


def record_for(document: Any, title: str) -> dict[str, dict]:
    finding = {"code": "value_not_in_quote", "message": "86 is not in the quote as 86.0"}
    record = {
        "title": _value(document, title, None, "verified"),
        "year": _value(document, 2024, None, "verified"),
        "model_name": _value(document, "RadFM", PARAGRAPHS[0], "verified"),
        "study_type": _value(
            document, "new_model", PARAGRAPHS[0], "check", reasons=["raters_disagree"],
            second_value="adaptation",
        ),
        "model_category": _value(document, "vision_language", PARAGRAPHS[0], "verified"),
        "backbone": _value(document, "ViT-B/16", "ViT-B/16 backbone", "verified"),
        "parameters_millions": _value(
            document, 68.0, "The model has 86 million parameters", "check",
            reasons=["value_not_in_quote"], findings=[finding],
            derivation="millions from a count: 86,000,000 / 10^6 = 86 <b>",
        ),
        "modalities": _value(document, ["xray"], "chest radiographs", "verified"),
        "results": _value(
            document,
            [{"task": "classification", "dataset": "CheXpert", "metric": "AUC",
              "value": 0.91, "setting": "fine_tuned"}],
            "On the CheXpert test set the model reached an AUC of 0.91",
            "check", reasons=["rule_failed"],
        ),
        "multi_center": _value(document, True, "from three hospitals", "verified"),
        "code_available": _value(document, None, None, "missing", reasons=["not_reported"]),
    }  # fmt: skip
    for spec in FORM.fields:
        record.setdefault(spec.name, _value(document, None, None, "verified"))
    return record


def build_review(
    root: Path,
    papers: dict[str, dict[str, Any]],
    quotes: dict[str, dict[str, tuple[Any, str, int | None]]] | None = None,
) -> Path:
    """A review at `root` with fm_imaging records for `papers` (id -> write_paper kwargs);
    `quotes` replaces values of a paper: {paper: {field: (value, quote, claimed page)}},
    each `check` (the quote is located, or not, by the real grounding)."""
    (root / "papers").mkdir(parents=True, exist_ok=True)
    save_config(root, ReviewConfig(form="fm_imaging", backend="fake", model="fake-model"))
    with ReviewStore(root / "review.sqlite") as store:
        for paper_id, kwargs in papers.items():
            pdf = write_paper(root / "papers" / f"{paper_id}.pdf", **kwargs)
            document = parse_pdf(pdf)
            sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
            store.add_paper(
                paper_id, sha256=sha, path=f"papers/{paper_id}.pdf", source="test",
                title=kwargs["title"],
            )  # fmt: skip
            store.update_paper(paper_id, status="parsed")
            store.save_document(document)
            key = ExtractionKey(sha, FORM.hash, "prompt", "fake", "fake-model")
            record = record_for(document, kwargs["title"])
            for field, (value, quote, page) in (quotes or {}).get(paper_id, {}).items():
                record[field] = _value(document, value, quote, "check", page)
            store.add_version(
                paper_id=paper_id,
                target_id=None,
                origin="model",
                record=record,
                provenance={"model": "fake-model", "backend": "fake"},
                key=key,
            )
    return root


def standard_review(root: Path) -> Path:
    return build_review(
        root,
        {
            "smith2024": {"title": "RadFM: a radiology foundation model"},
            "evil2024": {"title": f"Robustness {EVIL}", "extra": f"Injected text {EVIL} here."},
        },
    )


BASE = "http://127.0.0.1:8765"


def login(client: TestClient, name: str = "Ana") -> TestClient:
    """Say who reviews (as the browser does once) and keep the CSRF token at hand."""
    page = client.get("/reviewer")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/reviewer", data={"csrf": token, "name": name, "next": "/"}, headers={"Origin": BASE}
    )
    assert response.status_code in (200, 303), response.text
    client.csrf = token  # type: ignore[attr-defined]
    return client


TARGET = {"target_id": "55", "intervention": "drug 2.5 mg", "comparator": "placebo",
          "outcome": "nausea"}  # fmt: skip


def targeted_review(root: Path, target: dict[str, str] = TARGET) -> Path:
    """An rct_outcomes review with one paper and one target (intervention_events = 12)."""
    from schemas.rct_outcomes import FORM as RCT

    save_config(root, ReviewConfig(form="rct_outcomes", backend="fake", model="m"))
    write_paper(root / "papers" / "PMC1.pdf", "A randomised trial")
    with ReviewStore(root / "review.sqlite") as store:
        store.add_paper("PMC1", sha256="0" * 64, path="papers/PMC1.pdf", source="t", title="T")
        store.update_paper("PMC1", status="parsed")
        record = {s.name: Extracted(value=None, triage="missing").model_dump() for s in RCT.fields}
        record["intervention_events"] = Extracted(value=12, status="reported").model_dump()
        store.add_version(
            paper_id="PMC1", target_id=target["target_id"], origin="model", record=record,
            provenance={}, target=target,
            key=ExtractionKey("0" * 64, RCT.hash, "p", "fake", "m", "t"),
        )  # fmt: skip
    return root
