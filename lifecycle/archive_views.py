"""Archive and restore pages: thin, as the destruction pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.visibility import visible_or_404
from lifecycle import rights, selectors
from lifecycle.forms import ArchiveRequestForm
from lifecycle.pages import customer_or_404, decision_page, decision_view, form_page, require, saved
from lifecycle.review import ARCHIVE_REVIEW
from lifecycle.services import archive


@login_required
def archive_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_or_404(request, pk)
    require(rights.may_request_archive(request.user, customer), _("Your role cannot do this for this customer."))
    return form_page(
        request,
        customer=customer,
        form=ArchiveRequestForm(request.POST or None),
        service=archive.archive_request_create,
        title=_("Ask to archive") if customer.status == "approved" else _("Ask to restore"),
        done=lambda obj: saved(request, _("Sent for review."), "lifecycle:archive", pk=obj.pk),
    )


@login_required
@require_GET
def archive_queue(request: HttpRequest) -> HttpResponse:
    limit = selectors.QUEUE_LIMIT
    context = {
        "to_decide": selectors.archive_queue_for(request.user)[:limit],
        "mine": selectors.archive_requests_for(request.user).filter(entered_by=request.user)[:limit],
    }
    return render(request, "lifecycle/archive_queue.html", context)


@login_required
@require_GET
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(selectors.archive_requests_for(request.user), pk)
    return decision_page(
        request,
        "lifecycle/archive_detail.html",
        obj,
        may_decide=obj.status == "pending" and ARCHIVE_REVIEW.may_review(request.user, obj),
        may_withdraw=rights.may_withdraw_archive(request.user, obj),
    )


DECISIONS = {
    "approve": lambda actor, obj, note: archive.archive_request_approve(actor=actor, request=obj),
    "return": lambda actor, obj, note: archive.archive_request_return(actor=actor, request=obj, note=note),
    "withdraw": lambda actor, obj, note: archive.archive_request_withdraw(actor=actor, request=obj),
}


archive_decide = decision_view(selectors.archive_requests_for, DECISIONS, "lifecycle:archive")
