"""The floors are a test: the import-linter contracts in pyproject.toml hold, and they fail
when an import breaks a floor (so a green run means something)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "prompts", "extractor", "eval")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        # The tree under test first, then the custom contract type (tests/support).
        "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT / "tests" / "support")]),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("tree")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def _broken(tree: Path, module: str, line: str, tmp_path: Path) -> str:
    """Lint a copy of `tree` in which `module` gains `line`; return the output."""
    copy = tmp_path / "broken"
    shutil.copytree(tree, copy)
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint(copy)
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_the_contracts_hold_on_the_code_as_it_is() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_package_importing_upward_breaks_the_package_order(copy_tree, tmp_path) -> None:
    out = _broken(copy_tree, "schemas/numbers.py", "import extractor.document  # noqa", tmp_path)
    assert "schemas is not allowed to import extractor" in out


def test_the_agent_importing_the_asking_layer_breaks_the_floors(copy_tree, tmp_path) -> None:
    out = _broken(copy_tree, "extractor/agent.py", "import extractor.extract  # noqa", tmp_path)
    assert "extractor.agent is not allowed to import extractor.extract" in out


def test_a_floor_importing_upward_breaks_the_floors(copy_tree, tmp_path) -> None:
    out = _broken(
        copy_tree, "extractor/check.py", "import extractor.review.store  # noqa", tmp_path
    )
    assert "extractor.check is not allowed to import extractor.review" in out


def test_importing_a_private_name_breaks_the_private_names_contract(copy_tree, tmp_path) -> None:
    out = _broken(
        copy_tree, "extractor/jobs.py", "from extractor.agent import _badness  # noqa", tmp_path
    )
    assert "extractor.jobs imports _badness from extractor.agent" in out
