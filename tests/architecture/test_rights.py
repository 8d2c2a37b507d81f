"""The rights modules answer what the pages used to decide themselves (issue 16
item 2): one "visible object or 404" helper per object type, and the booleans
the templates show."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from accounts import services as account_services
from audit.subjects import subject
from bulk import rights as bulk_rights
from bulk.models import ImportJob
from core.visibility import visible_or_404
from customers import services
from customers.models import Customer
from customers.rights import CustomerRights, customer_for, require_open_for_business
from customers.rights import changes as change_rights
from customers.rights import grants as grant_rights
from desk.context_processors import layout
from reports import rights as report_rights


@pytest.mark.parametrize("pk", ["abc", "", None, "1e99", str(2**70)])
def test_a_bad_id_is_the_same_404_as_a_missing_row(db, pk):
    with pytest.raises(Http404):
        visible_or_404(Customer.objects.all(), pk)


def test_a_customer_out_of_scope_is_a_404_for_the_other_clerk(customer, clerk, other_clerk):
    assert customer_for(clerk, customer.pk) == customer
    with pytest.raises(Http404):
        customer_for(other_clerk, customer.pk)


def test_only_the_maker_may_edit_a_draft(customer, clerk, manager):
    assert CustomerRights(clerk).may_edit(customer)
    assert not CustomerRights(manager).may_edit(customer)


def test_a_change_is_asked_for_only_on_an_approved_record(customer, approved_customer, clerk):
    assert not CustomerRights(clerk).may_request_change(customer)
    assert CustomerRights(clerk).may_request_change(approved_customer)


def test_the_tag_rule_refuses_a_clerk_and_allows_the_department_manager(customer, clerk, manager):
    with pytest.raises(PermissionDenied):
        CustomerRights(clerk).require_tag(customer)
    CustomerRights(manager).require_tag(customer)


def test_business_is_refused_for_a_customer_not_approved(customer, approved_customer):
    with pytest.raises(ValidationError) as refused:
        require_open_for_business(customer, "%(archive_no)s is %(status)s")
    assert refused.value.code == "customer_not_approved"
    assert customer.archive_no in refused.value.messages[0]
    require_open_for_business(approved_customer, "%(archive_no)s is %(status)s")


def test_only_the_maker_withdraws_a_pending_change(approved_customer, clerk, manager):
    change = services.change_request_create(
        actor=clerk, customer=approved_customer, fields={"occupation": "教师"}, reason="客户来电更正职业"
    )
    assert change_rights.change_for(manager, change.pk) == change
    assert change_rights.may_withdraw(clerk, change)
    assert not change_rights.may_withdraw(manager, change)


def test_an_unknown_grant_decision_is_a_404(customer, manager):
    with pytest.raises(Http404):
        grant_rights.grant_for(manager, 1, decision="delete")
    assert grant_rights.may_decide_grants(manager)


def test_an_import_job_of_someone_else_is_a_404(clerk, other_clerk):
    job = ImportJob.objects.create(owner=clerk, filename="customers.csv", file_format="csv")
    assert bulk_rights.job_for(clerk, job.pk) == job
    with pytest.raises(Http404):
        bulk_rights.job_for(other_clerk, job.pk)


def test_the_reports_are_the_managers(manager, clerk):
    assert report_rights.may_see_reports(manager)
    assert not report_rights.may_see_reports(clerk)
    assert list(report_rights.report_departments(manager)) == [manager.department]


def test_the_menu_shows_each_role_what_its_rights_allow(clerk, security_officer):
    request = RequestFactory().get("/")
    request.user = clerk
    nav = layout(request)["nav"]
    assert nav["may_import"] and not nav["reads_audit"] and not nav["may_use_admin"]
    request.user = security_officer
    nav = layout(request)["nav"]
    assert nav["reads_audit"] and not nav["may_import"] and nav["may_use_admin"]


def test_the_clerk_sees_no_audit_link_and_the_security_officer_does(client, clerk, security_officer):
    audit = reverse("audit:access_log")
    client.force_login(clerk)
    assert audit not in client.get(reverse("customers:list")).content.decode()
    client.force_login(security_officer)
    assert audit in client.get(reverse("customers:list")).content.decode()


def test_customers_plug_their_trail_and_their_rights_into_the_lower_apps(db):
    assert subject("customer").model is Customer
    # Customers' enders come first; higher apps add theirs (the API's tokens, issue 21).
    assert list(account_services.RIGHTS_ENDERS)[:2] == ["grants", "object_rights"]
    assert "api_tokens" in account_services.RIGHTS_ENDERS
