"""Size limits and thin views, read from the source (issue 16 "Done means"): no
file of the product over 500 lines, no view over 50, and no permission decided
in a view or a template — they ask the apps' `rights` modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.architecture.test_layers import ROOT, _root_packages

MAX_FILE_LINES = 500
MAX_VIEW_LINES = 50
# What a view or template would test to decide a right by itself.
PERMISSION_ATTRIBUTES = {"has_role_permission", "has_role", "has_perm", "has_perms", "is_superuser", "is_staff"}
TEMPLATE_PERMISSION = re.compile(r"{%\s*(?:el)?if\b[^%]*(role_permissions|is_staff|is_superuser|perms\.|user\.pk)")


def _python_files() -> list[Path]:
    return [
        path
        for package in _root_packages()
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _product_files() -> list[Path]:
    others = [path for folder in ("templates", "static") for path in (ROOT / folder).rglob("*") if path.is_file()]
    tests = list((ROOT / "tests").rglob("*.py"))
    return _python_files() + tests + [path for path in others if path.suffix in (".html", ".css", ".js", ".txt")]


def _is_view_module(path: Path) -> bool:
    return path.stem == "views" or path.stem.endswith("_views") or path.parent.name == "views"


def _views() -> list[tuple[Path, ast.FunctionDef]]:
    """Every function and method of a views module, and the admin's view methods (`*_view`)."""
    found = []
    for path in _python_files():
        admin = path.stem == "admin" or path.stem.startswith("admin_")
        if not (_is_view_module(path) or admin):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                _is_view_module(path) or node.name.endswith("_view")
            ):
                found.append((path, node))
    return found


def test_no_file_of_the_product_or_its_tests_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _product_files()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    }
    assert long == {}


def test_no_view_is_over_50_lines():
    long = {
        f"{path.relative_to(ROOT)}:{node.name}": node.end_lineno - node.lineno + 1
        for path, node in _views()
        if node.end_lineno - node.lineno + 1 > MAX_VIEW_LINES
    }
    assert long == {}


def test_the_views_are_found_in_every_app_with_pages():
    apps = {path.relative_to(ROOT).parts[0] for path, _node in _views()}
    assert {"customers", "transactions", "interactions", "bulk", "audit", "reports", "desk", "core"} <= apps


def test_no_view_decides_a_permission_itself():
    decided = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}"
        for path in _python_files()
        if _is_view_module(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in PERMISSION_ATTRIBUTES
    ]
    assert decided == []


def test_no_template_decides_a_permission_itself():
    decided = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if TEMPLATE_PERMISSION.search(line)
    ]
    assert decided == []


def test_the_template_check_catches_a_role_tested_in_a_template():
    assert TEMPLATE_PERMISSION.search('{% if "bulk.export_records" in user.role_permissions %}')
    assert TEMPLATE_PERMISSION.search("{% elif change.entered_by_id == user.pk %}")
    assert not TEMPLATE_PERMISSION.search("{% if nav.may_export %}")
