"""The managers' possible-duplicates page and dismissals (issue 19 item 2)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from customers import services
from customers.duplicates import possible_duplicates
from customers.models import DuplicateDismissal, DuplicatePair
from customers.sweep import find_duplicate_pairs
from tests.customers.test_duplicates import person
from tests.factories import UserFactory


@pytest.fixture
def twins(clerk, other_clerk):
    a = person(clerk, "刘洋", date(1990, 3, 7))
    b = person(other_clerk, "劉洋", date(1990, 3, 7))
    call_command("find_duplicates", stdout=StringIO())
    return a, b


@pytest.mark.django_db
def test_a_manager_sees_the_departments_pairs_with_their_reasons(client, manager, twins):
    a, b = twins
    client.force_login(manager)
    page = client.get(reverse("customers:duplicates")).content.decode()
    assert a.archive_no in page and b.archive_no in page
    assert "姓名和出生日期相同" in page or "same name and date of birth" in page
    assert reverse("customers:detail", args=[a.pk]) in page


@pytest.mark.django_db
def test_a_pair_reaching_into_another_department_names_that_record_by_archive_number_only(
    client, clerk, other_department, other_department_manager, manager
):
    away_clerk = UserFactory(username="away_clerk", department=other_department)
    away_clerk.groups.add(Group.objects.get(name="clerk"))
    ours = person(clerk, "欧阳娜娜", date(2000, 6, 15))
    theirs = person(away_clerk, "欧阳 娜娜", date(2000, 6, 15))
    call_command("find_duplicates", stdout=StringIO())
    client.force_login(manager)
    page = client.get(reverse("customers:duplicates")).content.decode()
    assert ours.archive_no in page and theirs.archive_no in page
    assert reverse("customers:detail", args=[theirs.pk]) not in page
    assert "欧阳 娜娜" not in page  # the other department's record: its number, not its name


@pytest.mark.django_db
def test_a_clerk_and_a_security_officer_are_refused_the_page(client, clerk, security_officer, twins):
    for user in (clerk, security_officer):
        client.force_login(user)
        assert client.get(reverse("customers:duplicates")).status_code == 403


@pytest.mark.django_db
def test_a_dismissed_pair_stays_dismissed_in_the_sweep_the_page_and_the_entry_check(client, manager, twins):
    a, b = twins
    pair = DuplicatePair.objects.get()
    client.force_login(manager)
    response = client.post(reverse("customers:duplicate_dismiss", args=[pair.pk]), {"reason": "双胞胎兄弟，证件不同"})
    assert response.status_code == 302
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.first_id, dismissal.second_id, dismissal.dismissed_by) == (a.pk, b.pk, manager)
    assert dismissal.reason == "双胞胎兄弟，证件不同"
    assert not DuplicatePair.objects.exists()
    call_command("find_duplicates", stdout=StringIO())
    assert not DuplicatePair.objects.exists()
    assert not find_duplicate_pairs().pairs
    assert possible_duplicates([a, b]) == {}
    assert a.archive_no not in client.get(reverse("customers:duplicates")).content.decode()


@pytest.mark.django_db
def test_a_dismissal_needs_a_reason(client, manager, twins):
    pair = DuplicatePair.objects.get()
    client.force_login(manager)
    client.post(reverse("customers:duplicate_dismiss", args=[pair.pk]), {"reason": "   "})
    assert not DuplicateDismissal.objects.exists()
    assert DuplicatePair.objects.filter(pk=pair.pk).exists()


@pytest.mark.django_db
def test_only_a_manager_of_one_of_the_departments_may_dismiss_a_pair(other_department_manager, reviewer, twins):
    a, b = twins
    for user in (other_department_manager, reviewer):
        with pytest.raises(PermissionDenied):
            services.duplicate_dismiss(actor=user, first=a, second=b, reason="不是同一人")
    assert not DuplicateDismissal.objects.exists()


@pytest.mark.django_db
def test_a_sweep_killed_while_storing_leaves_the_previous_findings_whole(monkeypatch, twins):
    before = list(DuplicatePair.objects.values_list("first_id", "second_id", "rules", "score"))
    assert before

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(DuplicatePair.objects, "bulk_create", killed)
    with pytest.raises(KeyboardInterrupt):
        call_command("find_duplicates", stdout=StringIO())
    assert list(DuplicatePair.objects.values_list("first_id", "second_id", "rules", "score")) == before


@pytest.mark.django_db
def test_the_entry_summary_shows_the_richer_match_with_its_reason(client, clerk, other_clerk):
    mine = person(clerk, "刘洋", date(1990, 3, 7))
    theirs = person(other_clerk, "劉洋", date(1990, 3, 7), mobile="+8613700009999")
    draft = person(clerk, "劉 洋", date(1990, 7, 3), email="", phone="")
    client.force_login(clerk)
    page = client.get(reverse("customers:confirm", args=[draft.pk])).content.decode()
    assert mine.archive_no in page  # the clerk's own record: named and linked
    assert reverse("customers:detail", args=[mine.pk]) in page
    assert "日与月颠倒" in page
    assert theirs.archive_no not in page and "一份您无权查看的档案" in page
