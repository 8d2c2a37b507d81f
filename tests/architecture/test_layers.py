"""The apps as layers (README "Architecture"): import-linter's contract in
pyproject.toml holds for the code as it is, and fails on an upward import."""

from __future__ import annotations

import ast
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


# Where an import inside a function is no dodge: an app's `ready()` plugs it into the
# apps below (Django loads models first), and the benchmark loads its scenes only when run.
LAZY_ALLOWED = ("apps.py", "management/commands/", "bulk/benchpages.py")


def _imports_hidden_in_functions(root: Path) -> list[str]:
    """Imports of another app made inside a function, as "path:line module"."""
    packages = set(_root_packages())
    hidden = []
    for package in packages:
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "migrations" in path.parts or any(allowed in relative for allowed in LAZY_ALLOWED):
                continue
            for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                    names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                    hidden += [
                        f"{relative}:{node.lineno} {name}"
                        for name in names
                        if name.split(".")[0] in packages - {package}
                    ]
    return hidden


def test_no_app_imports_another_from_inside_a_function():
    """An import hidden in a function hides a dependency from the contract's reader
    (and once hid cycles): between apps, imports are at the top of the module."""
    assert _imports_hidden_in_functions(ROOT) == []


def test_the_hidden_import_check_finds_one(tmp_path):
    copy = _copy_of_the_project(tmp_path)
    (copy / "transactions" / "hidden.py").write_text(
        "def page():\n    from interactions import selectors\n\n    return selectors\n", encoding="utf-8"
    )
    assert _imports_hidden_in_functions(copy) == ["transactions/hidden.py:2 interactions"]
