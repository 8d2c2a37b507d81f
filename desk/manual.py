"""The operation manual in the app (issue 22 item 6): one help page per role.

The pages' words are in their templates (`templates/desk/help_<role>.html`); the
screenshots they show are listed here, once. The browser test
`tests/browser/test_help_screenshots.py` opens every screen below as its role, in
both languages, checks that what the manual points at is still there, and writes
the picture to `static/help/<language>/<name>.png`; `tests/desk/test_help.py`
fails when a page refers to a picture that is not listed or not on disk. So the
manual never shows a screen the product no longer has."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

LANGUAGES = ("zh-hans", "en")


@dataclass(frozen=True)
class Shot:
    name: str  # file name: static/help/<language>/<name>.png
    user: str  # the demo user (seed_demo) who opens the screen
    path: str  # the screen's address
    shows: str  # a CSS selector of what the manual points at: it must be on the screen
    caption: Promise

    def static_path(self, language: str) -> str:
        return f"help/{language}/{self.name}.png"


@dataclass(frozen=True)
class HelpPage:
    role: str
    title: Promise
    shots: tuple[Shot, ...]

    @property
    def template(self) -> str:
        return f"desk/help_{self.role}.html"

    def shot(self, name: str) -> Shot:
        return next(shot for shot in self.shots if shot.name == name)


PAGES: dict[str, HelpPage] = {
    page.role: page
    for page in (
        HelpPage(
            Role.CLERK,
            Role.CLERK.label,
            (
                Shot("clerk-my-work", "clerk1", "/", "[data-testid=to-correct]", _("My work, as a clerk sees it")),
                Shot(
                    "clerk-entry-form",
                    "clerk1",
                    "/customers/new/",
                    "[data-testid=mark-consent_purpose]",
                    _("Step 1: the entry form; * marks what every entry needs"),
                ),
                Shot("clerk-customers", "clerk1", "/customers/", "[name=q]", _("The customer list and its search box")),
            ),
        ),
        HelpPage(
            Role.REVIEWER,
            Role.REVIEWER.label,
            (
                Shot(
                    "reviewer-my-work",
                    "reviewer1",
                    "/",
                    "[data-testid=reviewer-queue]",
                    _("My work, as a reviewer sees it: the head of the queue and your returns"),
                ),
                Shot("reviewer-queue", "reviewer1", "/review/", "main table", _("The review queue, oldest first")),
            ),
        ),
        HelpPage(
            Role.MANAGER,
            Role.MANAGER.label,
            (
                Shot(
                    "manager-my-work",
                    "manager1",
                    "/",
                    "[data-testid=manager-grants]",
                    _("My work, as a manager sees it: requests, second approvals, overdue complaints"),
                ),
                Shot("manager-grants", "manager1", "/customers/grants/", "main h1", _("Access grants to decide")),
            ),
        ),
        HelpPage(
            Role.SECURITY_OFFICER,
            Role.SECURITY_OFFICER.label,
            (
                Shot(
                    "security-my-work",
                    "security1",
                    "/",
                    "[data-testid=security-chain]",
                    _("My work, as a security officer sees it: alerts and the chain"),
                ),
                Shot("security-access-log", "security1", "/audit/", "main table", _("The access log")),
            ),
        ),
    )
}


def all_shots() -> list[Shot]:
    return [shot for page in PAGES.values() for shot in page.shots]
