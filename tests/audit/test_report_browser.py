"""report.html renders in a real browser (headless Chromium from Debian's packages)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pymupdf
import pytest
from audit_testdata import write_fm_files, write_triaged_files

from eval.audit import run_audit
from eval.report import write_outputs
from eval.settings import AuditSettings
from schemas.fm_imaging import FORM as FM

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    result = run_audit(*write_fm_files(tmp), FM, AuditSettings())
    return write_outputs(result, tmp / "out")["report"]


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,2000", report.as_uri())
    assert png.is_file() and png.stat().st_size > 10_000
    pix = pymupdf.Pixmap(str(png))
    samples = pix.samples
    step = pix.n
    # Distinct colours in the top third: text, cards and the coloured class bars.
    colours = {bytes(samples[i : i + 3]) for i in range(0, len(samples) // 3, step * 7)}
    assert (pix.width, pix.height) == (1280, 2000)
    assert len(colours) > 50


def test_dom_has_the_key_elements(report: Path, tmp_path: Path) -> None:
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    for marker in (
        'id="summary"',
        'id="field-table"',
        'id="disagreement-table"',
        'id="coverage"',
        "<svg",
        "GOLD-ONLY",
        "&lt;script&gt;alert",
    ):
        assert marker in dom, marker
    assert dom.count('class="badge"') >= 5


def test_triage_verdict_and_table_render(tmp_path: Path) -> None:
    # verified values wrong, check values right: the warning must be in the rendered page
    def plan(i: int, field: str) -> tuple[str, bool]:
        return ("verified", False) if field == "model_name" else ("check", True)

    result = run_audit(*write_triaged_files(tmp_path, plan), FM, AuditSettings())
    report = write_outputs(result, tmp_path / "out")["report"]
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri()).stdout
    assert 'id="triage-verdict" class="verdict warn"' in dom
    assert "Verified values are NOT clearly more accurate than check values" in dom
    assert 'id="triage-table"' in dom and "nothing to compare" in dom
