"""review.toml: readable settings, no secrets, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.review.config import ReviewConfig, load_config, save_config
from schemas.errors import InputError


def test_round_trip_and_snapshot_without_credentials(tmp_path: Path) -> None:
    config = ReviewConfig(form="fm_imaging", base_url="https://user:pw@llm.example.org:8443/v1?k=1")
    save_config(tmp_path, config)
    assert load_config(tmp_path) == config
    assert config.snapshot()["base_url"] == "https://llm.example.org:8443/v1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('form = "fm_imaging"\napi_key = "sk-x"\n', "API keys belong in the environment"),
        ('form = "fm_imaging"\nmodle = "x"\n', "unknown setting(s) modle"),
        ('model = "x"\n', "missing setting 'form'"),
        ('form = "fm_imaging"\nconcurrency = 0\n', "concurrency must be at least 1"),
        ("form = \n", "invalid TOML"),
    ],
)
def test_bad_configs_are_refused_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "review.toml").write_text(text, encoding="utf-8")
    with pytest.raises(
        InputError, match="review.toml: .*" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        load_config(tmp_path)


def test_missing_config_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="litextract init"):
        load_config(tmp_path)
