"""Contacts, complaints and surveys in the admin: scoped like their customer,
read-only (every write goes through interactions.services)."""

from __future__ import annotations

from django.contrib import admin

from core.admin_mixins import ReadOnlyBusinessAdmin
from interactions import selectors
from interactions.models import Complaint, Feedback, Interaction


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyBusinessAdmin):
    scope = staticmethod(lambda user: selectors.interactions_visible_to(user).select_related("customer", "handler"))
    list_display = ("occurred_at", "customer", "channel", "direction", "kind", "summary", "handler", "follow_up_at")
    list_filter = ("channel", "direction", "kind", "department")
    date_hierarchy = "occurred_at"
    search_fields = ("summary", "customer__archive_no")
    show_full_result_count = False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyBusinessAdmin):
    scope = staticmethod(lambda user: selectors.complaints_visible_to(user).select_related("customer", "handler"))
    list_display = ("number", "received_at", "customer", "category", "severity", "status", "handler", "due_at")
    list_filter = ("status", "severity", "category", "channel", "department")
    date_hierarchy = "received_at"
    search_fields = ("customer__archive_no",)
    show_full_result_count = False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyBusinessAdmin):
    scope = staticmethod(lambda user: selectors.surveys_visible_to(user).select_related("customer"))
    list_display = ("surveyed_at", "customer", "service_quality", "price", "overall")
    list_filter = ("overall", "department")
    date_hierarchy = "surveyed_at"
    show_full_result_count = False
