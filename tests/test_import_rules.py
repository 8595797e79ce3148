"""The apps' layering (ARCHITECTURE.md) is enforced by import-linter in `make lint`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("calcuingo", "accounts", "curriculum", "practice", "gamification", "analytics", "tutor")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The project's Python packages and lint configuration, copied where a test may edit them."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_lower_app_importing_a_higher_one_fails_lint(project_copy: Path) -> None:
    # Hidden inside a function, as the old shortcuts were: it still counts.
    (project_copy / "gamification" / "probe.py").write_text(
        "def sneaky():\n    from practice.models import TrackProgress\n\n    return TrackProgress\n"
    )
    result = _lint_imports(project_copy)
    assert result.returncode != 0
    assert "gamification.probe -> practice.models" in result.stdout


def test_infrastructure_importing_an_app_fails_lint(project_copy: Path) -> None:
    (project_copy / "calcuingo" / "probe.py").write_text("import curriculum.models\n")
    cache = project_copy / "calcuingo" / "cache.py"
    cache.write_text(cache.read_text() + "\nfrom calcuingo import probe  # noqa\n")
    result = _lint_imports(project_copy)
    assert result.returncode != 0
    assert "Project-wide infrastructure knows no app BROKEN" in result.stdout
