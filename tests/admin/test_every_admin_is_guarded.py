"""Every admin registered is either a guarded business admin or one of the few
technical ones named here: a new admin of a business model that forgets the
base class fails this test (issue 14)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin

from core.admin_mixins import BusinessAdmin, NoBulkChangeMixin, ReadOnlyBusinessAdmin, ReadOnlyMixin

# Kept in the admin on purpose (SPEC §1: technical administration).
ADMINISTERED = {"auth.Group", "accounts.User", "accounts.Department", "customers.Tag", "transactions.Product"}
# Records of the system, shown and never written.
READ_ONLY = {"audit.AccessLog", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}


def _registered() -> dict[str, admin.ModelAdmin]:
    return {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


def test_every_model_with_a_change_trail_has_a_scoped_business_admin():
    for label, model_admin in _registered().items():
        if hasattr(model_admin.model, "history") and label not in ADMINISTERED:
            assert isinstance(model_admin, ReadOnlyBusinessAdmin), label
            assert model_admin.scope is not None, label


def test_every_admin_is_business_read_only_or_named_as_administered():
    for label, model_admin in _registered().items():
        if label in ADMINISTERED:
            continue
        assert isinstance(model_admin, ReadOnlyMixin), label
        assert isinstance(model_admin, (BusinessAdmin, NoBulkChangeMixin)), label
        assert not model_admin.actions and not model_admin.list_editable, label


def test_the_product_catalogue_keeps_a_read_only_trail_and_no_delete():
    product_admin = _registered()["transactions.Product"]
    assert isinstance(product_admin, BusinessAdmin) and not product_admin.actions
    assert product_admin.has_delete_permission(request=None) is False


def test_task_results_and_the_business_rows_without_an_admin_are_not_registered():
    registered = set(_registered())
    for label in (
        "django_tasks_database.DBTaskResult",
        "customers.AccessGrant",
        "customers.ChangeRequest",
        "bulk.ImportJob",
    ):
        assert apps.get_model(label) is not None  # a real model, so the check means something
        assert label not in registered
