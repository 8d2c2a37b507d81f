from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from audit import rights, selectors
from audit.models import AccessLog
from core.admin_mixins import ReadOnlyAdmin, ScopedAdminMixin


@admin.register(AccessLog)
class AccessLogAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    """Read-only for everyone (the log is append-only in the database too), and
    only for those whose role reads the log, in their scope (their department's
    entries unless they hold the company-wide right): a superuser without the
    security officer's role sees no entry (SPEC §1)."""

    list_display = ("id", "at", "actor_name", "action", "customer_archive_no", "field", "address")
    list_filter = ("action", "at")
    search_fields = ("actor_name", "customer_archive_no")
    date_hierarchy = "at"
    show_full_result_count = False
    ordering = ("-id",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessLog]:
        if not rights.reads_audit(request.user):
            return AccessLog.objects.none()
        return selectors.access_log_entries(reader=request.user)
