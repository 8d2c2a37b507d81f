"""The admin shows business rows in the viewer's scope and changes none of them
(every write goes through transactions.services and its review), except the
product catalogue, which managers keep."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from core.admin_mixins import BusinessAdmin, ReadOnlyBusinessAdmin
from transactions import selectors
from transactions.models import Contract, Order, Product, Transaction


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyBusinessAdmin):
    scope = staticmethod(lambda user: selectors.transactions_visible_to(user).select_related("customer", "department"))
    list_display = ("number", "occurred_at", "customer", "kind", "amount", "currency", "status", "department")
    list_filter = ("kind", "status", "currency", "payment_method", "department")
    date_hierarchy = "occurred_at"
    search_fields = ("order_no", "customer__archive_no")
    show_full_result_count = False
    raw_id_fields = ("customer", "original", "product")


@admin.register(Order)
class OrderAdmin(ReadOnlyBusinessAdmin):
    scope = staticmethod(lambda user: selectors.orders_visible_to(user).select_related("customer"))
    list_display = ("order_no", "customer", "status", "created_at", "status_changed_at")
    list_filter = ("status",)
    search_fields = ("order_no",)
    show_full_result_count = False


@admin.register(Contract)
class ContractAdmin(ReadOnlyBusinessAdmin):
    scope = staticmethod(lambda user: selectors.contracts_visible_to(user).select_related("customer"))
    list_display = ("contract_no", "customer", "title", "signed_on", "amount", "currency", "starts_on", "ends_on")
    date_hierarchy = "signed_on"
    search_fields = ("contract_no", "title")
    show_full_result_count = False


@admin.register(Product)
class ProductAdmin(BusinessAdmin):
    """The catalogue is kept here by those with the product rights (managers);
    its trail is read-only like every other."""

    list_display = ("sku", "name", "unit_price", "active")
    list_filter = ("active",)
    search_fields = ("sku", "name")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # sold products stay in the catalogue; switch "on sale" off instead
