"""The security officer's pages: the access log with its chain status, and the
change trail across customers. Out of scope is a 404, as everywhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import rights, selectors
from audit.events import describe
from audit.forms import AccessLogFilter, ChangesFilter
from audit.models import AuditVerification
from audit.reasons import logged_purpose
from audit.services import access_log_verify
from audit.subjects import subject
from audit.trail import trail_entries_for_pairs
from core.pagination import page_number


def _security_officer(request: HttpRequest) -> None:
    rights.require_reads_audit(request.user)


def _page_number(request: HttpRequest) -> int:
    return page_number(request.GET.get("page"))


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    _security_officer(request)
    form = AccessLogFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _page_number(request)
    entries, has_next = selectors.page_of(
        selectors.access_log_entries(
            user_name=filters.get("user") or "",
            archive_no=filters.get("customer") or "",
            action=filters.get("action") or "",
            since=filters.get("since"),
            until=filters.get("until"),
            reader=request.user,
        ),
        page=page,
    )
    labels = subject("customer").field_labels()
    for entry in entries:
        entry.field_label = labels.get(entry.field, entry.field)
        entry.purpose_shown = logged_purpose(entry.purpose, entry.detail)
        entry.detail_shown = describe(entry.action, entry.detail)
    return render(
        request,
        "audit/access_log.html",
        {
            "form": form,
            "entries": entries,
            "page": page,
            "has_next": has_next,
            "last_check": AuditVerification.objects.select_related("run_by").first(),
            "query": request.GET.urlencode() if request.GET else "",
        },
    )


@login_required
@require_POST
def verify_chain(request: HttpRequest) -> HttpResponse:
    _security_officer(request)
    result = access_log_verify()
    AuditVerification.objects.create(
        run_by=request.user,
        ok=result.ok,
        checked=result.checked,
        first_bad_id=result.first_bad_id,
        reason=result.reason,
    )
    if result.ok:
        messages.success(request, _("The access log is intact: %(n)s entries verified.") % {"n": result.checked})
    else:
        messages.error(
            request,
            _("The access log was tampered with: first bad entry #%(id)s (%(reason)s).")
            % {"id": result.first_bad_id, "reason": result.reason},
        )
    return redirect("audit:access_log")


@login_required
def changes(request: HttpRequest) -> HttpResponse:
    _security_officer(request)
    form = ChangesFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = _page_number(request)
    pairs, has_next = selectors.customer_changes(
        user_name=filters.get("user") or "",
        archive_no=filters.get("customer") or "",
        page=page,
        reader=request.user,
    )
    customers = subject("customer")
    entries = trail_entries_for_pairs(pairs, model=customers.model, show=customers.show)
    rows = [(record, entry) for (record, _older), entry in zip(pairs, entries, strict=True)]
    return render(
        request,
        "audit/changes.html",
        {"form": form, "rows": rows, "page": page, "has_next": has_next},
    )
