"""`update` with a fake extractor: only new, changed or stale work is done, errors don't stop it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from review_testdata import (
    FakeExtractor,
    Mini,
    fake_parse,
    fake_pipeline,
    model_versions,
    write_pdf,
)
from rich.console import Console

from extractor.review.export import export_review
from extractor.review.lock import ReviewBusyError, ReviewLock
from extractor.review.store import ReviewStore
from extractor.review.update import run_update
from extractor.targets import Target
from schemas.errors import InputError
from schemas.form import Form

QUIET = Console(quiet=True)
TITLES = [
    "Deep Learning for Chest Radiographs in Many Hospitals",
    "Self-Supervised Pretraining of Brain MRI Encoders",
    "A Foundation Model for Computational Pathology Slides",
]


def _update(review: Path, extractor: FakeExtractor, **kw: object):
    return run_update(
        review, pipeline=fake_pipeline(extractor, **kw), console=QUIET, progress=False
    )


def test_incremental_runs_extract_only_new_work(review: Path) -> None:
    papers = review / "papers"
    for i, title in enumerate(TITLES[:2]):
        write_pdf(papers / f"p{i}.pdf", title)
    fake = FakeExtractor()
    first = _update(review, fake)
    assert (sorted(first.new), first.extracted, first.requests) == (["p0", "p1"], 2, 2)
    assert first.prompt_tokens == 200 and first.cost_usd == pytest.approx(0.002)

    write_pdf(papers / "p2.pdf", TITLES[2])
    fake.calls.clear()
    second = _update(review, fake)
    assert fake.calls == ["p2"]
    assert (second.new, second.up_to_date, second.extracted) == (["p2"], 2, 1)

    fake.calls.clear()
    third = _update(review, fake)
    assert fake.calls == [] and third.extracted == 0 and third.up_to_date == 3

    # A changed PDF is re-extracted; the other papers are untouched.
    write_pdf(papers / "p0.pdf", TITLES[0], "corrected version of the paper")
    fourth = _update(review, fake)
    assert fake.calls == ["p0"] and fourth.changed == ["p0"] and fourth.stale == 1
    assert model_versions(review) == {"p0": 2, "p1": 1, "p2": 1}

    with ReviewStore(review / "review.sqlite") as store:
        runs = store.runs()
        assert [r.status for r in runs] == ["finished"] * 4
        assert [r.papers_processed for r in runs] == [2, 1, 0, 1]
        assert runs[0].config["model"] == "fake-model"


def test_new_model_or_prompt_makes_every_record_stale(review: Path) -> None:
    for i, title in enumerate(TITLES):
        write_pdf(review / "papers" / f"p{i}.pdf", title)
    _update(review, FakeExtractor())
    new_model = _update(review, FakeExtractor(), model="better-model")
    assert (new_model.stale, new_model.extracted) == (3, 3)
    new_prompt = _update(review, FakeExtractor(prompt_hash="prompt-2"), model="better-model")
    assert (new_prompt.stale, new_prompt.extracted) == (3, 3)
    assert model_versions(review) == {"p0": 3, "p1": 3, "p2": 3}


def test_same_paper_by_title_or_doi_is_not_extracted_twice(review: Path) -> None:
    papers = review / "papers"
    write_pdf(papers / "journal.pdf", TITLES[0], doi="10.1000/abc")
    write_pdf(papers / "preprint.pdf", TITLES[0].upper() + "!", "arXiv version")
    write_pdf(papers / "mirror.pdf", "Another Title Entirely, Same Paper", doi="10.1000/ABC")
    fake = FakeExtractor()
    summary = _update(review, fake)
    assert fake.calls == ["journal"]
    assert sorted(summary.duplicates) == [
        ("mirror", "journal", "same DOI"),
        ("preprint", "journal", "same title"),
    ]


def test_one_failing_paper_does_not_stop_the_batch(review: Path) -> None:
    papers = review / "papers"
    for i, title in enumerate(TITLES):
        write_pdf(papers / f"p{i}.pdf", title)
    (papers / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    fake = FakeExtractor()
    fake.fail_on = {"p1"}

    def parse_many(paths: list[Path]):

        for path in paths:
            if path.name == "broken.pdf":
                yield path, InputError(path, "damaged PDF (cannot open)")
            else:
                yield path, fake_parse(path)

    pipeline = fake_pipeline(fake)
    pipeline.parse_many = parse_many
    summary = run_update(review, pipeline=pipeline, console=QUIET, progress=False)
    assert summary.extracted == 2
    assert len(summary.errors) == 2
    assert any("broken.pdf: damaged PDF" in e for e in summary.errors)
    assert any("p1.pdf: RuntimeError: model said no for p1" in e for e in summary.errors)
    # The failed paper is retried by the next run, the others are not.
    fake.fail_on = set()
    fake.calls.clear()
    again = run_update(review, pipeline=pipeline, console=QUIET, progress=False)
    assert fake.calls == ["p1"] and again.extracted == 1


def test_crash_mid_batch_keeps_committed_records_and_resumes(review: Path) -> None:
    for i, title in enumerate(TITLES):
        write_pdf(review / "papers" / f"p{i}.pdf", title)

    class Crash(BaseException):
        pass

    crashing = FakeExtractor()
    original = crashing.make_record

    def extract(document, target=None):
        if document.paper_id == "p2":  # submitted only once an earlier paper is committed
            raise Crash  # like a kill: not an error the batch would catch
        return original(document, target)

    crashing.make_record = extract  # type: ignore[method-assign]
    pipeline = fake_pipeline(crashing)
    with pytest.raises(Crash):
        run_update(review, pipeline=pipeline, console=QUIET, progress=False)
    before = model_versions(review)
    # p0 or p1 finished first and was committed; the other may have been in flight.
    assert 1 <= sum(before.values()) <= 2 and set(before) <= {"p0", "p1"}
    resumed = FakeExtractor()
    _update(review, resumed)
    assert sorted(resumed.calls) == sorted({"p0", "p1", "p2"} - set(before))
    assert model_versions(review) == {"p0": 1, "p1": 1, "p2": 1}


def test_second_update_is_refused_while_one_runs(review: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from extractor.review.lock import ReviewLock
                with ReviewLock(Path({str(review)!r})):
                    print("locked", flush=True)
                    time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(ReviewBusyError, match=rf"pid {holder.pid}\)"):
            _update(review, FakeExtractor())
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the lock with the dead process: updates work again.
    with ReviewLock(review):
        pass
    assert _update(review, FakeExtractor()).errors == []


def test_targeted_form_one_record_per_target(review: Path) -> None:
    form = Form.from_model(Mini, name="mini_targeted", version="1.0", targeted=True)
    write_pdf(review / "papers" / "trial.pdf", TITLES[0])
    write_pdf(review / "papers" / "untargeted.pdf", TITLES[1])
    targets = {
        "trial": [
            Target(paper_id="trial", target_id=str(i), intervention="drug",
                   comparator="placebo", outcome=f"outcome {i}")
            for i in (2, 10)
        ]
    }  # fmt: skip
    fake = FakeExtractor(form)
    pipeline = fake_pipeline(fake)
    pipeline.targets = targets
    summary = run_update(review, pipeline=pipeline, console=QUIET, progress=False)
    assert (summary.extracted, summary.no_targets) == (2, ["untargeted"])
    # Editing one target's wording makes only that record stale.
    targets["trial"][1] = targets["trial"][1].model_copy(update={"outcome": "outcome ten"})
    again = run_update(review, pipeline=pipeline, console=QUIET, progress=False)
    assert (again.stale, again.up_to_date, again.extracted) == (1, 1, 1)
    out = review / "out.csv"
    with ReviewStore(review / "review.sqlite") as store:
        assert export_review(store, form, "csv", out) == 2
    header, *rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("paper_id,target_id,intervention,comparator,outcome,title,")
    assert [r.split(",")[:5] for r in rows] == [
        ["trial", "2", "drug", "placebo", "outcome 2"],
        ["trial", "10", "drug", "placebo", "outcome ten"],
    ]


def test_duplicate_takes_over_when_the_original_is_removed(review: Path) -> None:
    papers = review / "papers"
    write_pdf(papers / "a.pdf", TITLES[0])
    (papers / "b.pdf").write_bytes((papers / "a.pdf").read_bytes())
    fake = FakeExtractor()
    assert _update(review, fake).duplicates == [("b", "a", "same file (sha256)")]
    (papers / "a.pdf").unlink()
    summary = _update(review, fake)
    assert summary.missing == ["a"] and summary.duplicates == []
    assert fake.calls == ["a", "b"]
