"""The operation manual in the app (issue 22 item 6): a page per role at /help/,
linked from every page's top bar, in both languages, whose screenshots exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from desk.manual import LANGUAGES, PAGES, all_shots

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SHOT_TAG = re.compile(r'{% help_shot "([^"]+)" %}')


def _referenced() -> dict[str, list[str]]:
    return {
        role: SHOT_TAG.findall((ROOT / "templates" / page.template).read_text(encoding="utf-8"))
        for role, page in PAGES.items()
    }


def test_every_role_has_a_manual_page():
    assert set(PAGES) == {"clerk", "reviewer", "manager", "security_officer"}


def test_every_screenshot_a_manual_page_shows_is_listed_for_that_role_and_on_disk_in_both_languages():
    for role, names in _referenced().items():
        assert names, f"the {role} manual shows no screen"
        listed = {shot.name for shot in PAGES[role].shots}
        assert set(names) <= listed, (role, set(names) - listed)
        for name in names:
            for language in LANGUAGES:
                picture = STATIC / "help" / language / f"{name}.png"
                assert picture.is_file() and picture.stat().st_size > 2000, f"missing screenshot {picture}"


def test_every_listed_screenshot_is_shown_by_its_page():
    for role, names in _referenced().items():
        assert {shot.name for shot in PAGES[role].shots} == set(names), role


def test_no_screenshot_is_left_over_from_a_screen_the_manual_no_longer_shows():
    names = {f"{shot.name}.png" for shot in all_shots()}
    for language in LANGUAGES:
        on_disk = {path.name for path in (STATIC / "help" / language).glob("*.png")}
        assert on_disk == names, (language, on_disk ^ names)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["clerk", "reviewer", "manager", "security_officer"])
def test_each_roles_manual_reads_in_chinese_by_default_and_in_english_on_request(client, role):
    url = reverse("help:role", args=[role])
    chinese = client.get(url).content.decode()
    assert f'data-testid="help-{role}"' in chinese and '<html lang="zh-hans">' in chinese
    assert "操作手册" in chinese
    client.cookies.load({django_settings.LANGUAGE_COOKIE_NAME: "en"})
    english = client.get(url).content.decode()
    assert "Manual:" in english and f"/static/help/en/{PAGES[role].shots[0].name}.png" in english
    assert not CHINESE.search(english.split("<main")[1]), CHINESE.findall(english.split("<main")[1])[:10]


@pytest.mark.django_db
def test_the_manual_says_why_a_reviewer_may_not_approve_their_own_entry_what_a_grant_is_and_how_to_type_an_id(client):
    clerk = client.get(reverse("help:role", args=["clerk"])).content.decode()
    reviewer = client.get(reverse("help:role", args=["reviewer"])).content.decode()
    manager = client.get(reverse("help:role", args=["manager"])).content.decode()
    assert "为什么不能审核自己的条目" in reviewer
    assert "什么是授权" in manager and "什么是授权" in clerk
    assert "如何录入证件号码" in clerk and "18 位" in clerk


@pytest.mark.django_db
def test_the_index_puts_the_readers_own_role_first(client, reviewer):
    client.force_login(reviewer)
    html = client.get(reverse("help:index")).content.decode()
    links = re.findall(r'data-testid="help-link-([a-z_]+)"', html)
    assert links[0] == "reviewer" and len(links) == 4
    assert "您的角色" in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "clerk", "security_officer"])
def test_every_pages_top_bar_links_the_manual(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for url in ("/", reverse("login"), reverse("help:index"), "/no/such/page/"):
        html = client.get(url, follow=True).content.decode()
        assert f'href="{reverse("help:index")}"' in html, (persona, url)


@pytest.mark.django_db
def test_an_unknown_role_has_no_manual(client):
    assert client.get(reverse("help:role", args=["nobody"])).status_code == 404
