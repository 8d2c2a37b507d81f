"""The review mechanism's base: what every reviewed model and policy share, and
what adding review to a new model takes (review/models.py's docstring)."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.db import models
from django.template.loader import get_template
from django.test.utils import isolate_apps
from django.urls import reverse

from accounts.models import User
from customers.models import ChangeRequest, ChangeStatus, Customer, Status
from review import pages, policies
from review.models import Reviewed, ReviewedTwice, ReviewStatus
from review.policies import ReviewPolicy
from transactions.models import Transaction

pytestmark = pytest.mark.django_db

REVIEW_COLUMNS = {"status", "version", "entered_by", "entered_at", "reviewed_by", "reviewed_at"}
SECOND_COLUMNS = {"second_reviewed_by", "second_reviewed_at"}


def _permission_exists(label: str) -> bool:
    app_label, codename = label.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()


def test_customers_change_requests_and_transactions_are_registered_with_review():
    assert {policy.model for policy in policies.registered()} >= {Customer, ChangeRequest, Transaction}
    assert policies.policy_for(Customer).model is Customer
    assert policies.policy_for(ChangeRequest(customer_id=1)).model is ChangeRequest


def test_a_model_not_registered_with_review_is_refused_by_name():
    with pytest.raises(LookupError, match="accounts.User is not registered"):
        policies.policy_for(User)


def test_every_registered_policy_names_a_reviewed_model_its_permissions_and_its_constraints(reviewer, manager):
    for policy in policies.registered():
        model = policy.model
        assert issubclass(model, Reviewed), model
        assert {f.name for f in model._meta.concrete_fields} >= REVIEW_COLUMNS, model
        assert _permission_exists(policy.review_permission), policy
        constraint_names = [c.name for c in model._meta.constraints]
        assert any(name.endswith("_reviewer_is_not_maker") for name in constraint_names), model
        if policy.second_approval_permission:
            assert issubclass(model, ReviewedTwice), model
            assert _permission_exists(policy.second_approval_permission), policy
            assert any(name.endswith("_second_reviewer_is_a_third_person") for name in constraint_names), model
        # The department path leads somewhere: each queue runs (and nothing waits yet).
        assert list(policy.queue(user=reviewer)) == list(policy.queue(user=manager)) == []


def test_every_registered_model_has_a_section_of_the_queue_whose_template_exists():
    shown = {page.policy.model for page in pages.registered()}
    assert shown == {policy.model for policy in policies.registered()}
    for page in pages.registered():
        assert page.queue_name and get_template(page.queue_template)
        if page.page_template:
            assert get_template(page.page_template)


def test_the_decision_urls_keep_their_paths_and_names():
    assert reverse("review:queue") == "/review/"
    assert reverse("review:page", args=[7]) == "/review/7/"
    assert reverse("review:approve", args=[7]) == "/review/7/approve/"
    assert reverse("review:return", args=[7]) == "/review/7/return/"
    assert reverse("review:change_approve", args=[7]) == "/review/changes/7/approve/"
    assert reverse("review:change_return", args=[7]) == "/review/changes/7/return/"


def test_the_status_lists_extend_the_review_statuses_without_repeating_them():
    assert list(ReviewStatus.values) == ["draft", "pending", "returned", "approved"]
    assert list(Status.values) == [*ReviewStatus.values, "archived", "destroyed", "merged"]  # merged: issue 19
    assert Status.PENDING.label == ReviewStatus.PENDING.label
    assert list(ChangeStatus.values) == ["pending", "returned", "approved", "withdrawn"]
    assert str(ChangeStatus.APPROVED.label) != str(ReviewStatus.APPROVED.label)  # "Applied"
    assert Transaction._meta.get_field("status").choices == ReviewStatus.choices


def test_the_existing_constraint_names_are_kept_in_the_database():
    assert {c.name for c in Customer._meta.constraints} >= {
        "customer_reviewer_is_not_maker",
        "customer_second_reviewer_is_a_third_person",
    }
    assert {c.name for c in ChangeRequest._meta.constraints} >= {
        "change_reviewer_is_not_maker",
        "change_second_reviewer_is_a_third_person",
    }
    assert "txn_reviewer_is_not_maker" in {c.name for c in Transaction._meta.constraints}


def test_a_new_reviewed_model_and_its_policy_take_a_few_lines(clerk, reviewer, manager):
    with isolate_apps("review"):

        class ArchiveRequest(ReviewedTwice):
            department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")

            class Meta(ReviewedTwice.Meta):
                app_label = "review"

    class ArchiveReview(ReviewPolicy):
        model = ArchiveRequest
        review_permission = "customers.review_customer"
        second_approval_permission = "customers.second_approve_customer"

        def needs_second_approval(self, request) -> bool:
            return True

    assert {f.name for f in ArchiveRequest._meta.concrete_fields} >= REVIEW_COLUMNS | SECOND_COLUMNS
    assert {c.name for c in ArchiveRequest._meta.constraints} == {
        "review_archiverequest_reviewer_is_not_maker",
        "review_archiverequest_second_reviewer_is_a_third_person",
    }
    policy = ArchiveReview()
    # (The isolated model's relations lead nowhere, so a plain row stands in for one.)
    request = SimpleNamespace(
        status=ReviewStatus.PENDING, entered_by_id=clerk.pk, reviewed_by_id=None, department_id=clerk.department_id
    )
    assert policy.may_review(reviewer, request)
    assert not policy.may_review(clerk, request)
    request.reviewed_by_id = reviewer.pk
    assert policy.awaits_second_approval(request)
    assert policy.may_second_approve(manager, request)
    assert not policy.may_second_approve(reviewer, request)
    request.department_id = None
    assert not policy.may_review(reviewer, request) and not policy.may_second_approve(manager, request)


def test_review_imports_none_of_the_apps_that_plug_into_it():
    imported = set()
    for path in Path(__file__).resolve().parents[2].joinpath("review").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
    assert not imported & {"customers", "transactions", "interactions", "bulk", "reports", "desk", "crm"}
