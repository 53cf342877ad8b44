"""Hostile request input: non-ASCII secrets, multipart bodies and oversized bodies
(issue 19, items 6 and 13), through the app's HTTP interface."""

from __future__ import annotations

from pathlib import Path

from app_testdata import BASE
from starlette.testclient import TestClient
from test_routes import ORIGIN, current, open_value, versions

from extractor.review.app.security import CSRF_COOKIE, MAX_BODY, TOKEN_COOKIE
from extractor.review.app.server import create_app

TOKEN = "s3cret-token-value"


def _wide(review: Path) -> TestClient:
    app = create_app(review, host="0.0.0.0", port=8765, token=TOKEN)
    return TestClient(app, base_url="http://192.0.2.7:8765", follow_redirects=False)


def test_non_ascii_token_in_query_cookie_or_header_is_403_not_500(review: Path) -> None:
    with _wide(review) as c:
        assert c.get("/?token=%C3%A9").status_code == 403
        assert c.get("/?token=%FF%FE").status_code == 403
        assert c.get("/", headers={"x-litextract-token": "é".encode()}).status_code == 403
        raw_cookie = f"{TOKEN_COOKIE}=".encode() + "é".encode()
        assert c.get("/", headers={"cookie": raw_cookie}).status_code == 403
        assert c.get(f"/?token={TOKEN}").status_code in (200, 303)  # the real one still works


def test_non_ascii_csrf_value_is_403_not_500(client: TestClient, review: Path) -> None:
    form = open_value(client, "smith2024", "year")
    before = versions(review)
    forged = {**form, "csrf": "é" * 32, "action": "accept"}
    response = client.post("/value/smith2024/year", data=forged, headers=ORIGIN)
    assert response.status_code == 403
    named = client.post("/reviewer", data={"csrf": "ü" * 30, "name": "X"}, headers=ORIGIN)
    assert named.status_code == 403
    # a non-ASCII CSRF cookie against an ASCII form token: unequal, not a crash
    raw = f"{CSRF_COOKIE}=".encode() + "ß".encode() * 30 + b"; litextract_reviewer=Ana"
    with TestClient(client.app, base_url=BASE, follow_redirects=False) as bare:
        again = bare.post(
            "/value/smith2024/year",
            data={**form, "action": "accept"},
            headers={**ORIGIN, "cookie": raw},
        )
    assert again.status_code == 403
    assert versions(review) == before


def test_the_value_form_refuses_multipart_and_stores_text_notes(
    client: TestClient, review: Path
) -> None:
    form = open_value(client, "smith2024", "parameters_millions")
    before = versions(review)
    files = {"note": ("note.txt", b"x" * 1000, "text/plain")}
    data = {**form, "action": "accept"}
    multipart = client.post(
        "/value/smith2024/parameters_millions", data=data, files=files, headers=ORIGIN
    )
    assert multipart.status_code == 415
    assert versions(review) == before
    # the same save as a text form goes through, and the note is the text itself
    plain = client.post(
        "/value/smith2024/parameters_millions",
        data={**data, "note": "checked the table"},
        headers=ORIGIN,
    )
    assert plain.status_code == 303
    with_note = client.get("/value/smith2024/parameters_millions?show=all").text
    assert "checked the table" in with_note and "UploadFile" not in with_note
    assert current(review, "smith2024", "parameters_millions")["by"] == "Ana"


def test_the_reviewer_form_refuses_multipart(client: TestClient) -> None:
    response = client.post(
        "/reviewer",
        data={"csrf": client.csrf, "next": "/"},
        files={"name": ("n.txt", b"Eve", "text/plain")},
        headers=ORIGIN,
    )
    assert response.status_code == 415


def test_every_body_is_capped(client: TestClient, review: Path) -> None:
    form = open_value(client, "smith2024", "parameters_millions")
    before = versions(review)
    huge = {**form, "action": "accept", "note": "n" * (MAX_BODY + 10)}
    declared = client.post("/value/smith2024/parameters_millions", data=huge, headers=ORIGIN)
    assert declared.status_code == 413

    def chunks():  # no Content-Length: the cap counts what arrives
        yield b"action=accept&note="
        for _ in range(MAX_BODY // 4096 + 2):
            yield b"n" * 4096

    streamed = client.post(
        "/value/smith2024/parameters_millions",
        content=chunks(),
        headers={**ORIGIN, "content-type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    lying = client.post(
        "/reviewer",
        content=b"a" * 10,
        headers={**ORIGIN, "content-type": "application/x-www-form-urlencoded",
                 "content-length": "abc"},
    )  # fmt: skip
    assert lying.status_code in (400, 413)
    assert versions(review) == before
    assert BASE.startswith("http://127.0.0.1")
