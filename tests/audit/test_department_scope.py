"""A security officer reads the access log and the change trail of their own
department; the whole company's only with `accounts.view_company_log` (SPEC §2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.services import access_log_record
from tests.factories import CustomerFactory, UserFactory


@pytest.fixture
def far_clerk(other_department):
    user = UserFactory(username="far_clerk", department=other_department)
    user.groups.add(Group.objects.get(name="clerk"))
    return user


@pytest.mark.django_db
def test_a_security_officer_reads_only_their_departments_log_and_trail(client, security_officer, clerk, far_clerk):
    ours = CustomerFactory(actor=clerk, n=1)
    theirs = CustomerFactory(actor=far_clerk, n=2, name="远方客户")
    mine = access_log_record(action="login", actor=clerk)
    far = access_log_record(action="login", actor=far_clerk)
    about_theirs = access_log_record(action="reveal", actor=None, customer=theirs, actor_name="script")
    unknown = access_log_record(action="login_failed", actor_name="nobody")
    client.force_login(security_officer)
    shown = {e.id for e in client.get(reverse("audit:access_log")).context["entries"]}
    assert mine.id in shown and unknown.id in shown
    assert far.id not in shown and about_theirs.id not in shown
    html = client.get(reverse("audit:changes")).content.decode()
    assert ours.archive_no in html and theirs.archive_no not in html


@pytest.mark.django_db
def test_the_company_wide_right_shows_every_department(client, security_officer, clerk, far_clerk):
    theirs = CustomerFactory(actor=far_clerk, n=2, name="远方客户")
    far = access_log_record(action="login", actor=far_clerk)
    group = Group.objects.create(name="company_auditors")
    group.permissions.add(Permission.objects.get(codename="view_company_log"))
    security_officer.groups.add(group)
    client.force_login(security_officer)
    shown = {e.id for e in client.get(reverse("audit:access_log")).context["entries"]}
    assert far.id in shown
    assert theirs.archive_no in client.get(reverse("audit:changes")).content.decode()


@pytest.mark.django_db
def test_the_access_log_in_the_admin_is_scoped_to_the_security_officers_department(
    client, security_officer, other_department_manager
):
    from audit.models import AccessLog
    from audit.services import access_log_record

    mine = access_log_record(action="login", actor=security_officer)
    theirs = access_log_record(action="login", actor=other_department_manager)
    client.force_login(security_officer)
    listed = client.get("/admin/audit/accesslog/").context["cl"].result_list
    assert mine in listed and theirs not in listed
    assert client.get(f"/admin/audit/accesslog/{theirs.pk}/change/").status_code == 404
    assert AccessLog.objects.filter(pk=theirs.pk).exists()
