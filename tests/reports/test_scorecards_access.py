"""Who sees a scorecard (issue 20 item 5): the person and their manager only —
not another clerk, not another department's manager, not a superuser without
the role; exports are logged (counts, never values)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLog


def _status(client, user, url, **params) -> int:
    client.force_login(user)
    return client.get(url, params).status_code


@pytest.mark.django_db
def test_a_clerks_scorecard_is_seen_by_the_clerk_and_their_manager_only(
    client, clerk, other_clerk, reviewer, manager, other_department_manager, security_officer, superuser
):
    url = reverse("reports:scorecard", args=[clerk.pk])
    assert _status(client, clerk, url) == 200
    assert _status(client, manager, url) == 200
    for outsider in (other_clerk, reviewer, other_department_manager, security_officer, superuser):
        assert _status(client, outsider, url) == 404, outsider.username


@pytest.mark.django_db
def test_a_reviewer_sees_their_own_scorecard(client, reviewer, clerk):
    assert _status(client, reviewer, reverse("reports:scorecard", args=[reviewer.pk])) == 200
    assert _status(client, clerk, reverse("reports:scorecard", args=[reviewer.pk])) == 404


@pytest.mark.django_db
def test_a_missing_person_and_a_hidden_one_answer_alike(client, manager, other_department_manager):
    assert _status(client, manager, reverse("reports:scorecard", args=[987654])) == 404
    assert _status(client, manager, reverse("reports:scorecard", args=[other_department_manager.pk])) == 404


@pytest.mark.django_db
def test_a_superuser_without_a_role_has_no_scorecard_of_their_own(client, superuser, security_officer):
    assert _status(client, superuser, reverse("reports:scorecard", args=[superuser.pk])) == 404
    assert _status(client, security_officer, reverse("reports:scorecard", args=[security_officer.pk])) == 404


@pytest.mark.django_db
def test_the_department_view_is_for_its_manager_only(
    client, clerk, reviewer, manager, other_department_manager, security_officer, superuser
):
    url = reverse("reports:scorecards")
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200
    assert "(clerk)" in page.content.decode()
    client.force_login(other_department_manager)
    assert "(clerk)" not in client.get(url).content.decode()
    for outsider in (clerk, reviewer, security_officer, superuser):
        assert _status(client, outsider, url) == 403, outsider.username


@pytest.mark.django_db
def test_my_scorecard_leads_each_role_to_their_page(client, clerk, manager, security_officer):
    url = reverse("reports:scorecard_mine")
    client.force_login(clerk)
    assert client.get(url).url == reverse("reports:scorecard", args=[clerk.pk])
    client.force_login(manager)
    assert client.get(url).url == reverse("reports:scorecards")
    assert _status(client, security_officer, url) == 403


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_of_the_department_scorecards_is_logged_with_counts(client, manager, clerk, file_format):
    client.force_login(manager)
    response = client.get(reverse("reports:scorecards"), {"month": "2026-09", "export": file_format})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.actor == manager
    assert entry.detail["what"] == "scorecard"
    assert entry.detail["department"] == manager.department_id
    assert entry.detail["month"] == "2026-09"
    assert entry.detail["rows"] >= 2  # the department's clerks and reviewers, in two tables
    if file_format == "csv":
        assert "(clerk)" in response.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_an_export_of_a_persons_scorecard_names_the_person_in_the_log(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("reports:scorecard", args=[clerk.pk]), {"export": "csv"})
    assert response.status_code == 200
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.detail["person"] == clerk.pk
    assert entry.detail["rows"] == 24  # twelve months in each of the two tables
