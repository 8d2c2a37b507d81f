"""The manual's screenshots (issue 22 item 6), taken from the product itself.

Every screen `desk/manual.py` lists is opened as its role, in both languages; what
the manual points at must be on it, and the picture is written to
`static/help/<language>/<name>.png` (commit them: `tests/desk/test_help.py` fails
when one is missing). A screen the product no longer has fails here first."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command

from desk.manual import LANGUAGES, PAGES
from tests.browser.test_review import _log_in
from tests.desk.test_help import STATIC

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_manuals_screens_exist_and_their_pictures_are_fresh(live_server, page):
    call_command("seed_demo", "--customers", "24", stdout=io.StringIO())
    page.set_viewport_size({"width": 1280, "height": 800})
    for page_of_role in PAGES.values():
        for shot in page_of_role.shots:
            _log_in(page, live_server, shot.user)
            for language in LANGUAGES:
                page.context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
                )
                page.goto(f"{live_server.url}{shot.path}")
                assert page.locator("html").get_attribute("lang") == language, shot.name
                page.locator(shot.shows).first.wait_for(state="visible")
                target = STATIC / "help" / language / f"{shot.name}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                # Whole or not at all: another run of the suite (CI runs SQLite and
                # PostgreSQL side by side) may be reading the pictures meanwhile.
                partial = target.with_name(f".{target.name}.partial")
                page.screenshot(path=str(partial), type="png")
                os.replace(partial, target)
