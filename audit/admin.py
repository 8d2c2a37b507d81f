from django.contrib import admin
from django.http import HttpRequest

from audit.models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only in the database too."""

    list_display = ("id", "at", "actor_name", "action", "customer_archive_no", "field", "address")
    list_filter = ("action", "at")
    search_fields = ("actor_name", "customer_archive_no")
    date_hierarchy = "at"
    show_full_result_count = False
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
