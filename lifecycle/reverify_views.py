"""The re-verification queue, its masked and logged call list, and the check itself."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.models import AccessLog
from audit.services import access_log_record
from lifecycle import rights, selectors
from lifecycle.forms import ReverificationForm
from lifecycle.models import ReverifyOutcome
from lifecycle.pages import customer_or_404, form_page, require, saved
from lifecycle.services.reverify import reverification_record
from vault.masking import mask_email, mask_phone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A spreadsheet never runs a cell as a formula."""
    text = str(value or "")
    return "'" + text if text.startswith(FORMULA_START) else text


def _require_queue(user) -> None:
    require(rights.may_use_reverify_queue(user), _("The re-verification queue is for clerks and managers."))


@login_required
@require_GET
def reverify_queue(request: HttpRequest) -> HttpResponse:
    _require_queue(request.user)
    limit = selectors.QUEUE_LIMIT
    context = {
        "due": selectors.reverifications_due_for(request.user)[:limit],
        "upcoming": selectors.reverifications_upcoming_for(request.user)[:limit],
        "now": timezone.now(),
    }
    return render(request, "lifecycle/reverify_queue.html", context)


@login_required
@require_GET
def reverify_export(request: HttpRequest) -> HttpResponse:
    """The call list (due and next 30 days), masked, logged like every export."""
    _require_queue(request.user)
    rows = [*selectors.reverifications_due_for(request.user), *selectors.reverifications_upcoming_for(request.user)]
    access_log_record(
        action=AccessLog.Action.EXPORT,
        actor=request.user,
        request=request,
        detail={"what": "reverification_call_list", "format": "csv", "rows": len(rows)},
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("archive number"), _("name"), _("mobile"), _("phone"), _("e-mail"), _("verified at")])
    for c in rows:
        verified = timezone.localtime(c.contact_verified_at).strftime("%Y-%m-%d")
        writer.writerow(
            [_cell(v) for v in (c.archive_no, c.name, mask_phone(c.mobile), mask_phone(c.phone), mask_email(c.email))]
            + [verified]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="reverification-{stamp}.csv"'
    return response


@login_required
def reverify_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_or_404(request, pk)
    refusal = _("Only who works on this record confirms its contact details.")
    require(rights.may_reverify(request.user, customer), refusal)

    def done(check) -> HttpResponse:
        if check.outcome == ReverifyOutcome.CHANGED:
            messages.info(request, _("Enter what changed: the change request is prefilled with the record."))
            return redirect("customers:update", pk=customer.pk)
        return saved(request, _("Contact details confirmed; the clock starts again."), "lifecycle:reverify")

    return form_page(
        request,
        customer=customer,
        form=ReverificationForm(request.POST or None),
        service=reverification_record,
        title=_("Confirm contact details"),
        done=done,
    )
