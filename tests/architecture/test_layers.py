"""The apps as layers (README "Architecture"): import-linter's contract in
pyproject.toml holds for the code as it is, and fails on an upward import."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["root_packages"]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _copy_of_the_project(tmp_path: Path) -> Path:
    """The apps' Python files and the contract, without templates, static files or tests."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    for package in _root_packages():
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def test_the_apps_import_downward_only():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_every_app_is_in_the_layers_contract():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"crm"}
    assert apps == set(_root_packages())


def test_an_upward_import_breaks_the_contract(tmp_path):
    copy = _copy_of_the_project(tmp_path)
    (copy / "core" / "upward.py").write_text("from customers import selectors  # noqa\n", encoding="utf-8")
    result = _lint_imports(copy)
    assert result.returncode == 1
    assert "core is not allowed to import customers" in result.stdout


def test_an_import_hidden_in_a_function_breaks_the_contract_too(tmp_path):
    copy = _copy_of_the_project(tmp_path)
    (copy / "customers" / "hidden.py").write_text(
        "def page():\n    from desk import views\n\n    return views\n", encoding="utf-8"
    )
    result = _lint_imports(copy)
    assert result.returncode == 1
    assert "customers is not allowed to import desk" in result.stdout
