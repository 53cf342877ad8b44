"""After a reviewer decides, the value page shows the value's state as `export` writes it
(issue 19, item 4): the model's checks are history, not the current verdict."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from starlette.testclient import TestClient
from test_routes import open_value, save
from typer.testing import CliRunner

from extractor.cli import _register, app


def _exported(review: Path, paper: str, field: str) -> tuple[str, str]:
    _register()
    out = review / "out.csv"
    result = CliRunner().invoke(app, ["export", str(review), "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["paper_id"]: r for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    return rows[paper][f"{field}__triage"], rows[paper][f"{field}__reasons"]


def _shown(page: str) -> tuple[str, list[str], str]:
    """(triage badge, reason codes, the facts list) of the value page's current state."""
    facts = re.search(r'<dl class="facts">(.*?)</dl>', page, re.S).group(1)
    triage = re.search(r'<dd id="triage">(.*?)</dd>', facts, re.S).group(1)
    badge = re.search(r'class="badge t-(\w+)">(\w+)<', triage)
    assert badge.group(1) == badge.group(2)
    return badge.group(1), re.findall(r'<code class="reason">([^<]+)<', triage), facts


def test_before_a_decision_the_page_shows_the_models_checks(
    client: TestClient, review: Path
) -> None:
    page = client.get("/value/smith2024/parameters_millions").text
    triage, reasons, facts = _shown(page)
    assert (triage, "; ".join(reasons)) == _exported(review, "smith2024", "parameters_millions")
    assert (triage, reasons) == ("check", ["value_not_in_quote"])
    assert "86 is not in the quote" in facts
    assert 'id="model-checks"' not in page


def test_after_a_correction_the_page_agrees_with_export(client: TestClient, review: Path) -> None:
    form = open_value(client, "smith2024", "parameters_millions")
    saved = save(client, "smith2024", "parameters_millions", form, action="correct", value="86",
                 quote="The model has 86 million parameters")  # fmt: skip
    assert saved.status_code == 303
    page = client.get("/value/smith2024/parameters_millions?show=all").text
    triage, reasons, facts = _shown(page)
    exported = _exported(review, "smith2024", "parameters_millions")
    assert exported == ("verified", "human_corrected")
    assert (triage, "; ".join(reasons)) == exported
    assert "value_not_in_quote" not in facts and "86 is not in the quote" not in facts
    history = re.search(
        r'<details class="superseded" id="model-checks">(.*?)</details>', page, re.S
    )
    assert history and "value_not_in_quote" in history.group(1)  # kept, as what came before


def test_an_accepted_check_value_is_verified_by_the_human(client: TestClient, review: Path) -> None:
    form = open_value(client, "smith2024", "study_type")
    assert save(client, "smith2024", "study_type", form, action="accept").status_code == 303
    page = client.get("/value/smith2024/study_type?show=all").text
    triage, reasons, facts = _shown(page)
    assert (triage, "; ".join(reasons)) == _exported(review, "smith2024", "study_type")
    assert triage == "verified" and "raters_disagree" not in facts
