"""Where a server is decides the timeout; URLs are shown without credentials."""

from __future__ import annotations

import pytest

from extractor.llm.endpoint import (
    LOCAL_TIMEOUT,
    REMOTE_TIMEOUT,
    is_local,
    is_loopback,
    resolve_timeout,
    safe_url,
)
from extractor.llm.factory import make_backend


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/v1",
        "http://localhost:11434/v1",
        "http://[::1]:8000/v1",
        "http://192.168.1.20:1234/v1",
        "http://10.0.0.5/v1",
        "http://172.16.3.1:8000/v1",
        "http://gpu-box.local:8000/v1",
    ],
)
def test_loopback_and_private_servers_get_the_generous_timeout(url, monkeypatch):
    monkeypatch.delenv("LITEXTRACT_TIMEOUT", raising=False)
    assert is_local(url) and resolve_timeout(None, url) == LOCAL_TIMEOUT == 1800


@pytest.mark.parametrize(
    "url", ["https://api.openai.com/v1", "https://my-vllm.example.org/v1", "http://8.8.8.8/v1"]
)
def test_remote_apis_get_120_seconds(url, monkeypatch):
    monkeypatch.delenv("LITEXTRACT_TIMEOUT", raising=False)
    assert not is_local(url) and resolve_timeout(None, url) == REMOTE_TIMEOUT == 120


def test_explicit_timeout_then_environment_then_host(monkeypatch):
    monkeypatch.setenv("LITEXTRACT_TIMEOUT", "600")
    assert resolve_timeout(None, "https://api.openai.com/v1") == 600
    assert resolve_timeout(30, "https://api.openai.com/v1") == 30
    monkeypatch.setenv("LITEXTRACT_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="LITEXTRACT_TIMEOUT='soon' is not a number"):
        resolve_timeout(None, None)
    with pytest.raises(ValueError, match="positive"):
        resolve_timeout(0, None)


def test_backends_take_their_timeout_from_the_host(server, monkeypatch):
    monkeypatch.delenv("LITEXTRACT_TIMEOUT", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    local = make_backend("openai", "m", base_url=server.base_url)
    remote = make_backend("openai", "gpt-4o-mini", api_key="sk-x")
    chosen = make_backend("openai", "m", base_url=server.base_url, timeout=42)
    assert (local.timeout, remote.timeout, chosen.timeout) == (1800, 120, 42)  # type: ignore[attr-defined]
    assert local.is_local and not remote.is_local  # type: ignore[attr-defined]
    lc = make_backend("langchain", "m", base_url=server.base_url)
    assert lc.chat_model.request_timeout == 1800 and lc.is_local  # type: ignore[attr-defined]


def test_loopback_is_narrower_than_local():
    assert is_loopback("http://127.0.0.1:1/v1") and is_loopback("http://localhost/v1")
    assert not is_loopback("http://192.168.1.2/v1") and not is_loopback(None)


def test_safe_url_drops_credentials_and_query():
    assert safe_url("http://user:pw@host:8080/v1?api-key=sk-123#x") == "http://host:8080/v1"
    assert safe_url("https://api.openai.com/v1") == "https://api.openai.com/v1"
    assert safe_url("http://u:p@[::1]:8000/v1") == "http://[::1]:8000/v1"


def test_review_config_snapshot_uses_the_same_stripping():
    from extractor.review.config import ReviewConfig

    config = ReviewConfig(form="fm_imaging", base_url="http://me:secret@10.0.0.2:8000/v1?key=k")
    assert config.snapshot()["base_url"] == "http://10.0.0.2:8000/v1"


def test_review_config_timeout_key(tmp_path):
    from extractor.review.config import load_config
    from schemas.errors import InputError

    (tmp_path / "review.toml").write_text('form = "fm_imaging"\ntimeout = 900\n')
    assert load_config(tmp_path).timeout == 900.0
    (tmp_path / "review.toml").write_text('form = "fm_imaging"\ntimeout = -1\n')
    with pytest.raises(InputError, match="timeout must be a positive"):
        load_config(tmp_path)
    (tmp_path / "review.toml").write_text('form = "fm_imaging"\n')
    assert load_config(tmp_path).timeout is None
