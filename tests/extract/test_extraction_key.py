"""The one extraction key: an edited target or template makes a record stale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from doubles.openai_server import Reply
from extract_helpers import rct_answer

import prompts
from extractor.batch import run_batch
from extractor.extract import prompt_fingerprint
from extractor.key import ExtractionKey, ExtractionSettings
from extractor.record_maker import RecordMaker
from extractor.targets import Target
from schemas.registry import load_form

RCT = load_form("rct_outcomes")


def _target(outcome: str) -> Target:
    return Target(
        paper_id="PMC1",
        target_id="7",
        intervention="aspirin",
        comparator="placebo",
        outcome=outcome,
    )


def test_an_edited_target_is_extracted_again(tmp_path: Path, server, make_openai, trial_doc):
    server.responder = lambda body: Reply.ok(rct_answer())
    extractor = RecordMaker(RCT, make_openai())
    first = run_batch(
        [trial_doc],
        extractor,
        out_dir=tmp_path,
        targets={"PMC1": [_target("death")]},
        progress=False,
    )
    assert first.records == 1 and len(server.requests) == 1
    same = run_batch(
        [trial_doc],
        extractor,
        out_dir=tmp_path,
        targets={"PMC1": [_target("death")]},
        progress=False,
    )
    assert same.skipped == 1 and len(server.requests) == 1
    # Same target_id, new outcome text: the old record answers another question.
    edited = run_batch(
        [trial_doc],
        extractor,
        out_dir=tmp_path,
        targets={"PMC1": [_target("death at 90 days")]},
        progress=False,
    )
    assert edited.records == 1 and edited.skipped == 0 and len(server.requests) == 2
    (line,) = [json.loads(x) for x in (tmp_path / "records.jsonl").read_text().splitlines()]
    assert line["target"]["outcome"] == "death at 90 days"
    assert "death at 90 days" in json.dumps(server.requests[-1]["messages"])


def test_a_changed_setting_is_extracted_again(tmp_path: Path, server, make_openai, trial_doc):
    server.responder = lambda body: Reply.ok(rct_answer())
    targets = {"PMC1": [_target("death")]}
    run_batch(
        [trial_doc],
        RecordMaker(RCT, make_openai()),
        out_dir=tmp_path,
        targets=targets,
        progress=False,
    )
    smaller = RecordMaker(RCT, make_openai(), settings=ExtractionSettings(max_context_tokens=2000))
    again = run_batch([trial_doc], smaller, out_dir=tmp_path, targets=targets, progress=False)
    assert again.records == 1 and again.skipped == 0


def test_an_edit_inside_a_template_branch_changes_the_prompt_hash(tmp_path, monkeypatch):
    before = prompt_fingerprint(RCT)
    copy = tmp_path / "prompts"
    shutil.copytree(prompts.PROMPT_DIR, copy)
    user = copy / "extract_user.j2"
    text = user.read_text()
    assert "{% if target %}" in text  # the branch a render without a target never takes
    user.write_text(text.replace("{% if target %}", "{% if target %}\nBe exact.", 1))
    monkeypatch.setattr(prompts, "PROMPT_DIR", copy)
    assert prompt_fingerprint(RCT) != before


def test_status_keys_equal_the_keys_extraction_writes(server, make_openai, trial_doc):
    # `status` computes keys from the config alone; they must be the ones `extract` writes.
    from extractor.llm.factory import backend_identity

    extractor = RecordMaker(RCT, make_openai())
    server.script(Reply.ok(rct_answer()))
    line = extractor.make_record(trial_doc, _target("death"))
    name, model = backend_identity("openai", "fake-model", server.base_url)
    expected = ExtractionKey(
        trial_doc.source.sha256,
        RCT.hash,
        prompt_fingerprint(RCT),
        name,
        model,
        ExtractionKey.of(line.provenance).target_hash,
        ExtractionSettings().fingerprint,
    )
    assert ExtractionKey.of(line.provenance) == expected
    assert extractor.key_for(trial_doc.source.sha256, _target("death")) == expected
