"""Archive and restore pages: thin, as the destruction pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.feedback import error_messages, form_error
from core.parsing import object_id
from lifecycle import rights, selectors
from lifecycle.forms import ArchiveRequestForm, DecisionForm
from lifecycle.models import ArchiveRequest
from lifecycle.review import ARCHIVE_REVIEW
from lifecycle.services import archive
from lifecycle.views import _customer


def _archive_request(request: HttpRequest, pk) -> ArchiveRequest:
    try:
        return selectors.archive_requests_for(request.user).get(pk=object_id(pk))
    except ArchiveRequest.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def archive_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    if not rights.may_request_archive(request.user, customer):
        raise PermissionDenied(_("Your role cannot do this for this customer."))
    form = ArchiveRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = archive.archive_request_create(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Sent for review."))
            return redirect("lifecycle:archive", pk=obj.pk)
    title = _("Ask to archive") if customer.status == "approved" else _("Ask to restore")
    return render(request, "lifecycle/form.html", {"form": form, "customer": customer, "title": title})


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
    obj = _archive_request(request, pk)
    context = {
        "obj": obj,
        "may_decide": obj.status == "pending" and ARCHIVE_REVIEW.may_review(request.user, obj),
        "may_withdraw": rights.may_withdraw_archive(request.user, obj),
        "form": DecisionForm(),
    }
    return render(request, "lifecycle/archive_detail.html", context)


DECISIONS = {
    "approve": lambda actor, obj, note: archive.archive_request_approve(actor=actor, request=obj),
    "return": lambda actor, obj, note: archive.archive_request_return(actor=actor, request=obj, note=note),
    "withdraw": lambda actor, obj, note: archive.archive_request_withdraw(actor=actor, request=obj),
}


@login_required
@require_POST
def archive_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    obj = _archive_request(request, pk)
    if decision not in DECISIONS:
        raise Http404
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        DECISIONS[decision](request.user, obj, note)
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("lifecycle:archive", pk=obj.pk)
