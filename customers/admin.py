from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyBusinessAdmin
from core.pagination import CappedPaginator
from customers import selectors
from customers.models import Customer, Tag
from customers.presentation import masked_value


@admin.register(Customer)
class CustomerAdmin(ReadOnlyBusinessAdmin):
    paginator = CappedPaginator  # never a full COUNT(*) of a large table
    """Read-only: every change to a customer goes through the services (and so
    through review); the admin is for finding, filtering and reading the trail.
    S3 values appear masked only; rows are the viewer's own scope."""

    scope = staticmethod(lambda user: selectors.customers_visible_to(user).select_related("department", "data_key"))

    list_display = ("archive_no", "name", "kind", "masked_id_number", "status", "tier", "department", "created_at")
    list_filter = (
        "status",
        "kind",
        "tier",
        # The tags are the company's shared vocabulary (any staff member reads it in
        # the tags' admin): every tag is listed, with no probe of the viewer's rows
        # for which ones they use (issue 15: that probe was the changelist's cost).
        ("tags", admin.RelatedFieldListFilter),
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
    masked_fields = (*Customer.S3_FIELDS, *Customer.S2_FIELDS)  # in the trail's "changes" too
    readonly_fields = ("masked_id_number", "masked_bank_account", "masked_personal_values")
    history_list_display = ("status",)

    def mask_value(self, name: str, value: object) -> str:
        return masked_value(name, value)

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

    class Media:
        js = ("js/admin-search-guard.js",)  # an ID typed in the search box is never sent

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # A GET search puts what is typed in the address: an ID or bank number is
        # never searched here (it would confirm a guessed number unlogged) and the
        # address carrying it is replaced at once by one without it.
        if selectors.reads_as_s3(request.GET.get("q", "")):
            messages.warning(
                request,
                _("ID and bank numbers are looked up in the customer list's search box, where the lookup is logged."),
            )
            kept = request.GET.copy()
            kept.pop("q")
            return HttpResponseRedirect(request.path + (f"?{kept.urlencode()}" if kept else ""))
        return super().changelist_view(request, extra_context)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        # Name prefix, archive number, mobile; never the blind index (a GET).
        if not search_term:
            return queryset, False
        return queryset.filter(selectors.search_condition(search_term)), False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """The shared vocabulary of tags: new ones may be added; renaming or deleting
    one would change the customers of every department without review."""

    search_fields = ("name",)
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: Tag | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Tag | None = None) -> bool:
        return False
