"""The reviewer app's pages and saves, through Starlette's TestClient."""

from __future__ import annotations

import csv
import json
import re
import socket
from pathlib import Path

import pytest
from app_testdata import BASE, login
from starlette.testclient import TestClient
from typer.testing import CliRunner

from extractor.cli import _register, app
from extractor.review.app import pages
from extractor.review.app.server import create_app
from extractor.review.records import current_records
from extractor.review.store import ReviewStore

ORIGIN = {"Origin": BASE}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def versions(review: Path) -> int:
    with ReviewStore(review / "review.sqlite") as store:
        return len(store.versions())


def current(review: Path, paper: str, field: str) -> dict:
    with ReviewStore(review / "review.sqlite") as store:
        record = current_records(store)[(paper, None)]
        row = record.corrected.get(field)
        return {
            **record.record[field].model_dump(mode="json"),
            "by": row.corrected_by if row else None,
        }


def open_value(client: TestClient, paper: str, field: str, query: str = "") -> dict[str, str]:
    page = client.get(f"/value/{paper}/{field}{query}")
    assert page.status_code == 200, page.text
    revision = re.search(r'name="revision" value="([^"]+)"', page.text).group(1)
    return {"csrf": client.csrf, "revision": revision, "quote_page": "1"}


def save(client: TestClient, paper: str, field: str, form: dict, **data: str):
    return client.post(f"/value/{paper}/{field}", data={**form, **data}, headers=ORIGIN)


def test_queue_lists_values_to_check_with_progress(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "0 of 8 values checked" in page.text
    papers = re.findall(r'<span class="pid">([^<]+)<', page.text)
    assert papers == ["smith2024"] * 4 + ["evil2024"] * 4  # by paper, in the review's order
    for field in ("parameters_millions", "study_type", "results", "code_available"):
        assert f">{field}</a>" in page.text
    assert ">title</a>" not in page.text  # verified values are not in the queue


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("field=results", 2),
        ("paper=smith2024", 4),
        ("reason=raters_disagree", 2),
        ("triage=missing", 2),
        ("status=not_reported", 2),
        ("paper=smith2024&field=results", 1),
    ],
)
def test_queue_filters(client: TestClient, query: str, shown: int) -> None:
    page = client.get(f"/?{query}")
    assert f"{shown} value{'s' if shown != 1 else ''} shown" in page.text


def test_verified_values_and_a_seeded_spot_check(client: TestClient) -> None:
    verified = client.get("/?list=verified&show=all")
    assert "40 values shown" in verified.text
    first = client.get("/?list=spot&show=all&seed=7").text
    again = client.get("/?list=spot&show=all&seed=7").text
    assert "2 values shown" in first  # 5 % of 40
    assert first == again
    rows = {
        seed: re.findall(
            r'class="open" href="([^"]+)"', client.get(f"/?list=spot&show=all&seed={seed}").text
        )
        for seed in range(1, 6)
    }
    assert len({tuple(r) for r in rows.values()}) > 1  # other seeds draw other samples


def test_value_page_shows_field_definition_verdict_and_located_quote(client: TestClient) -> None:
    page = client.get("/value/smith2024/parameters_millions").text
    assert "size of the model in millions of parameters" in page  # the form's definition
    assert "value_not_in_quote" in page and "86 is not in the quote" in page
    assert re.search(r'<rect class="quote c0" x="[\d.]+" y="[\d.]+"', page)  # highlighted box
    assert '<mark class="c0">The model has 86 million parameters</mark>' in page
    # how a derived value follows from the paper, escaped like every text from a record
    assert 'id="derivation">millions from a count: 86,000,000 / 10^6 = 86 &lt;b&gt;<' in page
    study = client.get("/value/smith2024/study_type").text
    assert 'id="second-value">adaptation<' in study
    assert '<select name="value" id="correct-input">' in study  # an enum is a select


def test_the_paper_can_be_searched_and_paged(client: TestClient) -> None:
    page = client.get("/value/smith2024/parameters_millions?q=external+cohort").text
    assert 'id="hits"' in page and "<mark>external cohort</mark>" in page
    second = client.get("/value/smith2024/parameters_millions?page=2&q=external+cohort").text
    assert 'id="page-number">2<' in second and 'class="hit c0"' in second


def test_accept_is_a_correction_version_seen_by_export(client: TestClient, review: Path) -> None:
    form = open_value(client, "smith2024", "study_type")
    before = versions(review)
    response = save(client, "smith2024", "study_type", form, action="accept", note="checked p. 1")
    assert response.status_code == 303
    assert "/value/smith2024/parameters_millions" in response.headers["location"]  # the next one
    assert versions(review) == before + 1
    value = current(review, "smith2024", "study_type")
    assert (value["value"], value["status"], value["by"]) == ("new_model", "reported", "Ana")
    assert value["evidence"][0]["quote"].startswith("We present RadFM")  # the model's quote kept
    assert "1 of 8 values checked" in client.get("/").text
    _register()
    out = review / "out.csv"
    result = CliRunner().invoke(app, ["export", str(review), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["paper_id"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert "study_type" in rows["smith2024"]["corrected"]
    assert "Ana" in rows["smith2024"]["corrected_by"]


def test_a_bad_number_is_refused_inline_and_changes_nothing(
    client: TestClient, review: Path
) -> None:
    form = open_value(client, "smith2024", "parameters_millions")
    before = versions(review)
    bad = save(client, "smith2024", "parameters_millions", form, action="correct", value="86 M")
    assert bad.status_code == 400
    assert 'id="form-error"' in bad.text and "is not a number" in bad.text
    assert 'value="86 M"' in bad.text  # what was typed stays in the box
    assert versions(review) == before
    good = save(
        client, "smith2024", "parameters_millions", form, action="correct", value="86",
        quote="The model has 86 million parameters", note="typo",
    )  # fmt: skip
    assert good.status_code == 303
    value = current(review, "smith2024", "parameters_millions")
    assert (value["value"], value["status"], value["by"]) == (86.0, "reported", "Ana")
    assert value["evidence"][0]["alignment"] == "exact"  # the reviewer's quote is located
    history = client.get("/value/smith2024/parameters_millions?show=all").text
    assert 'id="history"' in history and "<b>Ana</b>" in history and "typo" in history


def test_a_list_of_objects_is_edited_as_a_table(client: TestClient, review: Path) -> None:
    form = open_value(client, "smith2024", "results")
    page = client.get("/value/smith2024/results").text  # the current items fill the table
    assert '<option value="fine_tuned" selected>' in page and 'value="CheXpert"' in page
    row = {"cell.0.task": "classification", "cell.0.dataset": "CheXpert", "cell.0.metric": "AUC"}
    bad = save(client, "smith2024", "results", form, action="correct", **row,
               **{"cell.0.value": "high", "cell.0.setting": "fine_tuned"})  # fmt: skip
    assert bad.status_code == 400 and "row 1" in bad.text
    cells = {"cell.0.value": "0.93", "cell.0.setting": "fine_tuned", "cell.1.task": ""}
    cells |= {"cell.2.task": "segmentation", "cell.2.metric": "Dice", "cell.2.value": "0.8"}
    good = save(client, "smith2024", "results", form, action="correct", **row, **cells)
    assert good.status_code == 303, good.text
    value = current(review, "smith2024", "results")["value"]
    assert [item["value"] for item in value] == [0.93, 0.8]
    assert value[1]["task"] == "segmentation" and value[1]["dataset"] is None


def test_choices_not_reported_and_unclear(client: TestClient, review: Path) -> None:
    form = open_value(client, "smith2024", "study_type")
    assert (
        save(
            client, "smith2024", "study_type", form, action="correct", value="adaptation"
        ).status_code
        == 303
    )
    assert current(review, "smith2024", "study_type")["value"] == "adaptation"
    form = open_value(client, "smith2024", "modalities")
    response = save(
        client, "smith2024", "modalities", form, action="correct", choice=["xray", "ct"]
    )
    assert response.status_code == 303
    assert current(review, "smith2024", "modalities")["value"] == ["xray", "ct"]
    form = open_value(client, "smith2024", "code_available")
    save(client, "smith2024", "code_available", form, action="not_reported")
    assert current(review, "smith2024", "code_available")["status"] == "not_reported"
    form = open_value(client, "smith2024", "parameters_millions")
    save(client, "smith2024", "parameters_millions", form, action="unclear", note="SE, not SD")
    value = current(review, "smith2024", "parameters_millions")
    assert (value["value"], value["status"]) == (None, "unclear")
    bad = save(client, "smith2024", "study_type", open_value(client, "smith2024", "study_type"),
               action="correct", value="made_up")  # fmt: skip
    assert bad.status_code == 400 and "allowed: new_model" in bad.text


def test_a_stale_save_is_refused_and_shows_the_current_value(
    client: TestClient, review: Path
) -> None:
    mine = open_value(client, "smith2024", "parameters_millions")
    with TestClient(client.app, base_url=BASE, follow_redirects=False) as other:
        login(other, "Bo")
        theirs = open_value(other, "smith2024", "parameters_millions")
        assert save(other, "smith2024", "parameters_millions", theirs, action="correct",
                    value="86").status_code == 303  # fmt: skip
    before = versions(review)
    late = save(client, "smith2024", "parameters_millions", mine, action="correct", value="90")
    assert late.status_code == 409
    assert "changed since you opened it by Bo" in late.text
    assert 'id="current-value">86<' in late.text  # the value as it is now
    assert versions(review) == before
    assert current(review, "smith2024", "parameters_millions")["value"] == 86.0
    fresh = re.search(r'name="revision" value="([^"]+)"', late.text).group(1)
    again = save(client, "smith2024", "parameters_millions", {**mine, "revision": fresh},
                 action="correct", value="90")  # fmt: skip
    assert again.status_code == 303


def test_text_from_papers_and_notes_is_escaped(client: TestClient) -> None:
    queue = client.get("/?paper=evil2024").text
    assert "&lt;script&gt;alert(" in queue
    assert "<script>alert" not in queue and "<img src=x" not in queue
    form = open_value(client, "evil2024", "parameters_millions")
    note = '"><img src=x onerror=alert(3)><script>alert(4)</script>'
    save(client, "evil2024", "parameters_millions", form, action="accept", note=note)
    page = client.get("/value/evil2024/parameters_millions?show=all").text
    assert "&lt;img src=x onerror=alert(3)&gt;" in page
    assert "<img src=x" not in page and "<script>alert" not in page
    text = client.get("/value/evil2024/parameters_millions?page=2").text
    assert "Injected text &lt;script&gt;" in text


def test_pages_render_as_cached_pngs(client: TestClient, review: Path) -> None:
    response = client.get("/paper/smith2024/page/1.png")
    assert response.status_code == 200 and response.content[:4] == b"\x89PNG"
    assert list((review / ".page-cache").rglob("1@*.png"))
    with ReviewStore(review / "review.sqlite") as store:
        sha = store.paper("smith2024").sha256
    _, cached = pages.render_png(review / "papers/smith2024.pdf", sha, 1, review / ".page-cache")
    assert cached
    assert client.get("/paper/smith2024/page/3.png").status_code == 404
    assert client.get("/paper/smith2024/pdf").content[:5] == b"%PDF-"


def test_only_the_reviews_own_pdfs_are_served(client: TestClient, review: Path) -> None:
    outside = review.parent / "secret.pdf"
    outside.write_bytes((review / "papers/smith2024.pdf").read_bytes())
    with ReviewStore(review / "review.sqlite") as store:
        store.update_paper("evil2024", path="../secret.pdf")
    assert client.get("/paper/evil2024/pdf").status_code == 404
    assert client.get("/paper/evil2024/page/1.png").status_code == 404
    assert client.get("/paper/nobody/pdf").status_code == 404
    assert client.get("/paper/..%2F..%2Fetc%2Fpasswd/pdf").status_code == 404
    assert client.get("/static/../review.sqlite").status_code == 404
    assert client.get("/value/nobody/year").status_code == 404


def test_host_origin_and_csrf_are_checked(client: TestClient, review: Path) -> None:
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:9999"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    form = open_value(client, "smith2024", "year")
    before = versions(review)
    cross = client.post("/value/smith2024/year", data={**form, "action": "accept"},
                        headers={"Origin": "http://evil.example"})  # fmt: skip
    assert cross.status_code == 403
    no_origin = client.post("/value/smith2024/year", data={**form, "action": "accept"})
    assert no_origin.status_code == 403
    forged = save(client, "smith2024", "year", {**form, "csrf": "x" * 32}, action="accept")
    assert forged.status_code == 403
    assert client.put("/value/smith2024/year", headers=ORIGIN).status_code == 405
    assert client.get("/value/smith2024/year?action=accept&value=1").status_code == 200
    assert versions(review) == before
    page = client.get("/")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_off_loopback_every_request_needs_the_token(review: Path) -> None:
    app_ = create_app(review, host="0.0.0.0", port=8765, token="s3cret-token-value")
    with TestClient(app_, base_url="http://192.0.2.7:8765", follow_redirects=False) as c:
        assert c.get("/").status_code == 403
        assert c.get("/static/app.css").status_code == 403
        assert c.get("/?token=wrong").status_code == 403
        assert c.get("/reviewer?token=s3cret-token-value").status_code == 200
        assert c.get("/static/app.css").status_code == 200  # the cookie carries it on


def test_the_reviewer_is_asked_once(review: Path) -> None:
    app_ = create_app(review, host="127.0.0.1", port=8765)
    with TestClient(app_, base_url=BASE, follow_redirects=False) as c:
        first = c.get("/value/smith2024/year")
        assert first.status_code == 303 and first.headers["location"].startswith("/reviewer?next=")
        page = c.get(first.headers["location"])
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        done = c.post("/reviewer", data={"csrf": token, "name": "Ana", "next": "//evil.example/"},
                      headers=ORIGIN)  # fmt: skip
        assert done.headers["location"] == "/"  # never off-site
        assert c.get("/value/smith2024/year").status_code == 200


def test_serve_refuses_a_folder_that_is_not_a_review(tmp_path: Path) -> None:
    _register()
    result = CliRunner().invoke(app, ["serve", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a review" in " ".join(result.output.split())


def test_serve_prints_the_url_and_a_token_off_loopback(
    review: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    monkeypatch.setattr("extractor.review.app.server.run", lambda *a, **k: calls.append(k))
    _register()
    port = str(_free_port())
    local = CliRunner().invoke(app, ["serve", str(review), "--port", port])
    assert f"http://127.0.0.1:{port}/" in local.output and "token" not in local.output
    wide = CliRunner().invoke(app, ["serve", str(review), "--host", "0.0.0.0", "--port", port])
    token = calls[-1]["token"]
    assert token and f"?token={token}" in wide.output.replace("\n", "")


def test_quotes_are_found_across_hyphenation_and_small_differences() -> None:
    words = [(w, (i / 10, 0.1, i / 10 + 0.05, 0.12)) for i, w in enumerate(
        ["The", "classifi-", "cation", "AUC", "was", "0.91", "(95%", "CI)."])]  # fmt: skip
    assert pages.locate(words, "classification AUC was 0.91")
    assert pages.locate(words, "The classification AUC is 0.91 (95% CI).")  # one word differs
    assert pages.locate(words, "something else entirely here") == []


def test_targeted_forms_keep_the_target_through_the_save(tmp_path: Path) -> None:
    from app_testdata import targeted_review

    root = targeted_review(tmp_path / "rct")
    with TestClient(create_app(root), base_url=BASE, follow_redirects=False) as c:
        login(c)
        queue = c.get("/").text
        assert "/value/PMC1/intervention_events?target=55" in queue
        page = c.get("/value/PMC1/intervention_events?target=55")
        assert "intervention: drug 2.5 mg" in page.text
        form = open_value(c, "PMC1", "intervention_events", "?target=55")
        data = {**form, "action": "correct", "value": "13"}
        saved = c.post("/value/PMC1/intervention_events?target=55", data=data, headers=ORIGIN)
        assert saved.status_code == 303
    with ReviewStore(root / "review.sqlite") as store:
        [correction] = store.corrections()
    assert (correction.target_id, correction.value) == ("55", 13)


def test_a_save_is_in_the_jsonl_export_the_audit_reads(client: TestClient, review: Path) -> None:
    form = open_value(client, "evil2024", "code_available")
    save(client, "evil2024", "code_available", form, action="correct", value="yes")
    _register()
    out = review / "records.jsonl"
    result = CliRunner().invoke(app, ["export", str(review), "-f", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    row = next(r for r in rows if r["paper_id"] == "evil2024")
    assert row["record"]["code_available"]["value"] is True
    assert row["corrected"]["code_available"]["by"] == "Ana"
