"""The admin shows business rows in the viewer's scope and changes none of them
(every write goes through transactions.services and its review), except the
product catalogue, which managers keep."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from crm.pagination import CappedPaginator
from transactions import selectors
from transactions.models import Contract, Order, Product, Transaction


class ScopedReadOnlyAdmin(SimpleHistoryAdmin):
    paginator = CappedPaginator  # never a full COUNT(*) of a large table
    scope = staticmethod(lambda user: None)

    def get_queryset(self, request: HttpRequest):
        return self.scope(request.user)

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # out of scope looks like nonexistent
        return obj

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        self.get_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Transaction)
class TransactionAdmin(ScopedReadOnlyAdmin):
    scope = staticmethod(lambda user: selectors.transactions_visible_to(user).select_related("customer", "department"))
    list_display = ("number", "occurred_at", "customer", "kind", "amount", "currency", "status", "department")
    list_filter = ("kind", "status", "currency", "payment_method", "department")
    date_hierarchy = "occurred_at"
    search_fields = ("order_no", "customer__archive_no")
    show_full_result_count = False
    raw_id_fields = ("customer", "original", "product")


@admin.register(Order)
class OrderAdmin(ScopedReadOnlyAdmin):
    scope = staticmethod(lambda user: selectors.orders_visible_to(user).select_related("customer"))
    list_display = ("order_no", "customer", "status", "created_at", "status_changed_at")
    list_filter = ("status",)
    search_fields = ("order_no",)
    show_full_result_count = False


@admin.register(Contract)
class ContractAdmin(ScopedReadOnlyAdmin):
    scope = staticmethod(lambda user: selectors.contracts_visible_to(user).select_related("customer"))
    list_display = ("contract_no", "customer", "title", "signed_on", "amount", "currency", "starts_on", "ends_on")
    date_hierarchy = "signed_on"
    search_fields = ("contract_no", "title")
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("sku", "name", "unit_price", "active")
    list_filter = ("active",)
    search_fields = ("sku", "name")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # sold products stay in the catalogue; switch "on sale" off instead
