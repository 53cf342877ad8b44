"""The loopback server itself: routes, example answers, loopback only, bounded life."""

from __future__ import annotations

import socket
import time

import httpx
from doubles import FakeOpenAIServer, Reply, example_from_schema
from doubles.openai_server import request_schema
from pydantic import BaseModel


class Arm(BaseModel):
    name: str
    n: int | None


class Trial(BaseModel):
    arms: list[Arm]
    design: str
    blinded: bool | None


def test_models_route_and_unknown_route(server):
    models = httpx.get(server.base_url + "/models").json()
    assert [m["id"] for m in models["data"]] == ["fake-model"]
    assert httpx.get(server.base_url + "/nothing").status_code == 404


def test_example_answers_validate_against_nested_schemas():
    schema = Trial.model_json_schema()  # uses $defs, $ref and anyOf
    Trial.model_validate(example_from_schema(schema))
    assert example_from_schema({"enum": [None, "a", "b"]}) == "a"


def test_schema_is_found_in_json_mode_system_message():
    body = {"messages": [{"role": "system", "content": 'x <json_schema>{"a": 1}</json_schema>'}]}
    assert request_schema(body) == {"a": 1}


def test_listens_on_loopback_only(server):
    port = int(server.base_url.rsplit(":", 1)[1].split("/")[0])
    assert server.base_url.startswith("http://127.0.0.1:")
    addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    for address in addresses - {"127.0.0.1"}:
        with socket.socket() as sock:
            sock.settimeout(1)
            assert sock.connect_ex((address, port)) != 0


def test_stops_by_itself_after_max_lifetime():
    server = FakeOpenAIServer(max_lifetime=0.2).start()
    url = server.base_url + "/models"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
        except httpx.TransportError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("server still answering after its lifetime")


def test_scripted_replies_come_before_the_responder(server):
    server.script(Reply.server_error(502))
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    first = httpx.post(server.base_url + "/chat/completions", json=body)
    second = httpx.post(server.base_url + "/chat/completions", json=body)
    assert first.status_code == 502 and second.status_code == 200
    assert second.json()["usage"]["total_tokens"] >= 2 and len(server.requests) == 2
