from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers import selectors
from customers.models import Customer, Tag
from customers.presentation import CustomerPresenter


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    """Read-only: every change to a customer goes through the services (and so
    through review); the admin is for finding, filtering and reading the trail.
    S3 values appear masked only; rows are the viewer's own scope."""

    list_display = ("archive_no", "name", "kind", "masked_id_number", "status", "tier", "department", "created_at")
    list_filter = ("status", "kind", "tier", "customer_nature", "lifecycle_stage", "source_channel", "department")
    search_fields = ("archive_no", "name")
    list_select_related = ("department", "data_key")
    date_hierarchy = "created_at"
    show_full_result_count = False
    exclude = ("id_number", "bank_account")
    readonly_fields = ("masked_id_number", "masked_bank_account")
    history_list_display = ("status",)

    @admin.display(description=_("ID number"))
    def masked_id_number(self, customer: Customer) -> str:
        return CustomerPresenter(customer, self._viewer).value("id_number")

    @admin.display(description=_("bank account"))
    def masked_bank_account(self, customer: Customer) -> str:
        return CustomerPresenter(customer, self._viewer).value("bank_account")

    def get_queryset(self, request: HttpRequest):
        self._viewer = request.user
        return selectors.customers_visible_to(request.user).select_related("department", "data_key")

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
