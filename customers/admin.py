from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.pagination import CappedPaginator
from customers import selectors
from customers.models import Customer, Tag
from customers.presentation import masked_value


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    paginator = CappedPaginator  # never a full COUNT(*) of a large table
    """Read-only: every change to a customer goes through the services (and so
    through review); the admin is for finding, filtering and reading the trail.
    S3 values appear masked only; rows are the viewer's own scope."""

    list_display = ("archive_no", "name", "kind", "masked_id_number", "status", "tier", "department", "created_at")
    list_filter = (
        "status",
        "kind",
        "tier",
        "tags",
        "customer_nature",
        "lifecycle_stage",
        "source_channel",
        "department",
    )
    search_fields = ("archive_no", "name")
    list_select_related = ("department", "data_key")
    # No date_hierarchy: its MIN/MAX and DISTINCT dates would scan the whole scoped table (issue 15).
    show_full_result_count = False
    # The admin shows personal (S2) and secret (S3) values masked for everyone:
    # full values are on the customer page, to those SPEC §2 allows.
    exclude = (*Customer.S3_FIELDS, *Customer.S2_FIELDS)
    readonly_fields = ("masked_id_number", "masked_bank_account", "masked_personal_values")
    history_list_display = ("status",)

    @admin.display(description=_("ID number"))
    def masked_id_number(self, customer: Customer) -> str:
        return masked_value("id_number", customer.id_number)

    @admin.display(description=_("bank account"))
    def masked_bank_account(self, customer: Customer) -> str:
        return masked_value("bank_account", customer.bank_account)

    @admin.display(description=_("Personal values (masked)"))
    def masked_personal_values(self, customer: Customer) -> str:
        shown = [
            (capfirst(customer._meta.get_field(name).verbose_name), masked_value(name, getattr(customer, name)))
            for name in Customer.S2_FIELDS
        ]
        return format_html_join(mark_safe("<br>"), "{}：{}", ((label, value or "—") for label, value in shown))

    def get_queryset(self, request: HttpRequest):
        return selectors.customers_visible_to(request.user).select_related("department", "data_key")

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of scope looks exactly like a record that does not exist (SPEC §2):
            # a 404, not the admin's "perhaps it was deleted?" redirect.
            raise Http404
        return obj

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        # simple-history falls back to the trail of rows it cannot find (deleted
        # ones): out of scope must stay a 404.
        self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        # Name prefix, archive number, mobile, exact ID / bank number (blind index).
        if not search_term:
            return queryset, False
        return queryset.filter(selectors.search_condition(search_term)), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)
