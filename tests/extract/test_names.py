"""A name field must hold a name: a value standing in its quote is not enough when the
value is the paper's whole title (issue 23: `model_name` came out verified as the title)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from doubles.documents import make_document
from doubles.openai_server import FakeOpenAIServer, Reply
from doubles.simulated_model import FOLLOWUP_MARK
from pydantic import BaseModel

from extractor.check import Code, check_record, check_value, name_shaped, triage
from extractor.key import AgentSettings, ExtractionSettings
from extractor.llm.openai_backend import OpenAIBackend
from extractor.record_maker import RecordMaker
from schemas.custom import load_yaml_form
from schemas.extracted import Evidence, Extracted, Status
from schemas.form import Form, form_field
from schemas.registry import load_form

FM = load_form("fm_imaging")
TITLE = (
    "ChestCLIP-Adapter: Parameter-Efficient Adaptation of a Vision-Language "
    "Foundation Model to Chest Radiograph Classification"
)
SENTENCE = "We propose a novel foundation model for chest X-ray analysis"
DOCUMENT = make_document([f"{TITLE}\n\nMethods\n{SENTENCE}, trained on MIMIC-CXR."])

REAL_NAMES = [
    "ChestCLIP-Adapter",
    "SAM-Med3D",
    "CTransPath",
    "UniBrain",
    "ViT-B/16",
    "Swin-T",
    "ResNet-50",
    "MedSAM",
    "BiomedCLIP",
    "ViT-L/14@336px",
    "Segment Anything Model (SAM)",
    "nnU-Net",
    "TransUNet",
    "GPT-4V",
    "LLaVA-Med",
    "Swin UNETR",
    "RETFound",
    "CLIP ViT-B/32",
    # A comma that lists names (two backbones), and dataset names of five and six words.
    "ResNet-50, ViT-B/16",
    "The Cancer Imaging Archive (TCIA)",
    "Digital Database for Screening Mammography (DDSM)",
]
NOT_NAMES = [
    TITLE,  # a title with a colon subtitle
    "UniBrain: A Brain Foundation Model",  # a short one too: the subtitle is the tell
    SENTENCE,
    "a vision transformer pretrained on one million chest radiographs",  # > 6 words
    "MedSAM, a SAM variant",  # a comma opening a description of the name
    "MedSAM. It adapts SAM",  # two sentences
    "RETFound - a retinal model",  # a spaced dash
]


def _quoted(value: Any, quote: str) -> Extracted[Any]:
    start = DOCUMENT.text.index(quote)
    evidence = Evidence(
        quote=quote, char_start=start, char_end=start + len(quote), alignment="exact", page=1
    )
    return Extracted(value=value, status=Status.reported, evidence=[evidence])


def _checked(**fields: Extracted[Any]) -> dict[str, Extracted[Any]]:
    record = {spec.name: Extracted() for spec in FM.fields}
    record.update(fields)
    for name, found in check_record(FM, record, DOCUMENT).items():
        record[name].findings = found
    triage(FM, record)
    return record


def test_the_title_as_model_name_is_checked_and_the_name_is_verified() -> None:
    title = _checked(model_name=_quoted(TITLE, TITLE))["model_name"]
    assert title.triage == "check"
    assert title.reasons == [Code.not_a_name]
    assert title.findings[0].message == (
        "'ChestCLIP-Adapter: Parameter-Efficient …' reads as a title or a phrase, not a name"
    )
    name = _checked(model_name=_quoted("ChestCLIP-Adapter", TITLE))["model_name"]
    assert name.triage == "verified", name.findings


def test_a_sentence_as_backbone_and_as_a_dataset_name_is_not_a_name() -> None:
    record = _checked(
        backbone=_quoted(SENTENCE, SENTENCE),
        pretraining_datasets=_quoted([{"name": SENTENCE}, {"name": "MIMIC-CXR"}], SENTENCE),
    )
    for name in ("backbone", "pretraining_datasets"):
        assert Code.not_a_name in record[name].reasons
        assert record[name].triage == "check"
    # Fields the form does not mark as names are not held to it: a title is a title.
    assert _checked(title=_quoted(TITLE, TITLE))["title"].triage == "verified"


@pytest.mark.parametrize("value", REAL_NAMES)
def test_real_names_are_name_shaped(value: str) -> None:
    assert name_shaped(value)


@pytest.mark.parametrize("value", NOT_NAMES)
def test_titles_sentences_and_phrases_are_not(value: str) -> None:
    assert not name_shaped(value)


def test_the_built_in_forms_mark_their_names_only() -> None:
    names = [s.name for s in FM.fields if s.is_name]
    assert names == ["model_name", "backbone"]
    datasets = FM.field("pretraining_datasets").item_fields
    assert [s.name for s in datasets if s.is_name] == ["name"]
    # rct_outcomes has no name field: its arms and outcome are descriptions, not names.
    assert not any(s.is_name for s in load_form("rct_outcomes").fields)


def test_a_built_in_form_cannot_mark_a_number_as_a_name() -> None:
    class Bad(BaseModel):
        size: float | None = form_field("number of items", is_name=True)

    with pytest.raises(TypeError, match="field 'size': is_name only applies to string"):
        Form.from_model(Bad, name="bad", version="1")


def _yaml_form(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "form.yaml"
    path.write_text(
        "name: f\nfields:\n"
        f"  - {{name: index_test, type: '{kind}', is_name: true}}\n"
        "  - name: sets\n    type: list[object]\n"
        "    fields:\n      - {name: label, type: string, is_name: true}\n",
        encoding="utf-8",
    )
    return path


def test_a_yaml_form_marks_a_name_field_and_the_check_applies(tmp_path: Path) -> None:
    form = load_yaml_form(_yaml_form(tmp_path, "string"))
    spec = form.field("index_test")
    assert spec.is_name
    assert form.field("sets").item_fields[0].is_name
    codes = {f.code for f in check_value(spec, _quoted(TITLE, TITLE), DOCUMENT, form)}
    assert codes == {Code.not_a_name}
    assert check_value(spec, _quoted("ChestCLIP-Adapter", TITLE), DOCUMENT, form) == []


def test_a_yaml_list_of_strings_may_hold_names(tmp_path: Path) -> None:
    form = load_yaml_form(_yaml_form(tmp_path, "list[string]"))
    spec = form.field("index_test")
    found = check_value(spec, _quoted(["ChestCLIP-Adapter", TITLE], TITLE), DOCUMENT, form)
    assert [f.code for f in found] == [Code.not_a_name]


def test_the_agent_asks_for_the_name_only_and_takes_it() -> None:
    asked: list[str] = []

    def respond(body: dict) -> Reply:
        props = body["response_format"]["json_schema"]["schema"]["properties"]
        prompt = "\n".join(str(m.get("content", "")) for m in body["messages"])
        followup = FOLLOWUP_MARK in prompt
        if followup:
            asked.append(prompt)
        value = "ChestCLIP-Adapter" if followup else TITLE
        answer = {"value": value, "status": "reported", "evidence": [{"quote": TITLE}]}
        empty = {"value": None, "status": "not_reported", "evidence": []}
        return Reply.ok({n: answer if n == "model_name" else empty for n in props})

    with FakeOpenAIServer(respond) as server:
        backend = OpenAIBackend(
            "sim-model", base_url=server.base_url, api_key="k", structured_mode="json_schema"
        )
        settings = ExtractionSettings(agent=AgentSettings(max_followups=1))
        line = RecordMaker(FM, backend, settings=settings).make_record(DOCUMENT)
    assert any("give the name only, not a phrase or a title" in p for p in asked)
    model_name = line.record["model_name"]
    assert model_name.value == "ChestCLIP-Adapter"
    assert model_name.triage == "verified", model_name.findings
