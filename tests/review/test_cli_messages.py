"""Issue 19 item 21 (smaller), through the CLI: help without `<bool>` and `{inputs}`, a YAML
field named `class` refused for the right reason, `correct` naming the bad list item, and
`cache clear` without a terminal saying to pass --yes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from review_testdata import mini_yaml_review, write_pdf
from typer.testing import CliRunner

from extractor.cli import _register, app

_register()


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), terminal_width=100)
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize("command", ["add", "extract", "cache clear", "audit"])
def test_help_has_plain_metavars(command: str) -> None:
    code, text = _run(*command.split(), "--help")
    assert code == 0, text
    assert "<bool>" not in text and not re.search(r"\{[a-z_]+\}", text), text
    if command == "add":
        assert "Usage: litextract add [OPTIONS] REVIEW_DIR INPUTS..." in text
        assert "<list[Path]>" not in text


def test_a_field_named_class_is_refused_as_a_reserved_word(tmp_path: Path) -> None:
    form = tmp_path / "form.yaml"
    form.write_text("name: k\nfields:\n  - {name: class, type: string}\n")
    pdf = write_pdf(tmp_path / "in" / "p.pdf", "A paper")
    code, text = _run("extract", str(pdf), "--form", str(form), "--out", str(tmp_path / "o"))
    assert code == 2
    assert f"{form}: field 'class'" in text and "reserved word in Python" in text
    assert "class_" in text and "must be an identifier" not in text


def test_correct_names_the_bad_item_of_a_list(review: Path) -> None:
    review = mini_yaml_review(review, ["Deep learning for chest radiographs"])
    code, text = _run("correct", str(review), "p0", "modalities", "ct; xray-ish", "--by", "ana")
    assert code == 2, text
    assert "modalities: in 'ct; xray-ish', 'xray-ish' is not one of ct, mri, xray" in text


def test_cache_clear_without_a_terminal_says_to_pass_yes(tmp_path: Path) -> None:
    code, text = _run("cache", "clear", "--cache", str(tmp_path / "c.sqlite"))
    assert code == 2, text
    assert "pass --yes" in text and "Aborted" not in text
    code, text = _run("cache", "clear", "--cache", str(tmp_path / "c.sqlite"), "--yes")
    assert code == 0 and "deleted 0 cached answers" in text
