"""Browser tests: Debian's Chromium driven by Playwright against a live server.

A failing test leaves a full-page screenshot in test-artifacts/ (see README)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connections

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def page(request, monkeypatch):
    """A fresh Chromium page. Playwright is started and stopped around each test:
    its sync API runs an event loop in this thread, and while that loop lives,
    Django hands this thread other database connection objects."""
    from playwright.sync_api import sync_playwright

    # The ORM calls the test makes around the browser are plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(10_000)
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / f"{request.node.name}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"\nScreenshot of the failing page: {shot}")
        browser.close()
        # Connections the test body opened while Playwright's loop ran belong to
        # that context; close them here or PostgreSQL keeps their sessions open.
        connections.close_all()
