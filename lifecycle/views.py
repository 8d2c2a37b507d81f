"""Thin views: parse, call a selector or a service, render."""

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
from customers.models import Customer
from customers.selectors import customers_visible_to
from lifecycle import rights, selectors
from lifecycle.forms import DecisionForm, DestructionRequestForm, LegalHoldForm
from lifecycle.models import DestructionRequest
from lifecycle.services import destruction, holds


def _customer(request: HttpRequest, pk) -> Customer:
    try:
        return customers_visible_to(request.user).get(pk=object_id(pk))
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


def _request(request: HttpRequest, pk) -> DestructionRequest:
    try:
        return selectors.destruction_request_detail(user=request.user, pk=object_id(pk))
    except DestructionRequest.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def destruction_queue(request: HttpRequest) -> HttpResponse:
    if not rights.sees_lifecycle(request.user):
        raise PermissionDenied(_("The destruction queue is for managers and security officers."))
    limit = selectors.QUEUE_LIMIT
    context = {
        "due": selectors.destruction_due_for(request.user)[:limit],
        "to_approve": selectors.destructions_to_approve_for(request.user)[:limit],
        "requests": selectors.destruction_requests_for(request.user).order_by("-requested_at", "-id")[:limit],
        "holds": selectors.legal_holds_for(request.user)[:limit],
        "records": selectors.destruction_records_for(request.user)[:limit],
    }
    return render(request, "lifecycle/destruction_queue.html", context)


def _form_page(request, *, customer, form_class, may, service, title: str):
    if not may(request.user, customer):
        raise PermissionDenied(_("Your role cannot do this for this customer."))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = service(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            if isinstance(obj, DestructionRequest):
                return redirect("lifecycle:destruction", pk=obj.pk)
            return redirect("lifecycle:queue")
    return render(request, "lifecycle/form.html", {"form": form, "customer": customer, "title": title})


@login_required
def destruction_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        customer=_customer(request, pk),
        form_class=DestructionRequestForm,
        may=rights.may_request_destruction,
        service=destruction.destruction_request,
        title=_("Ask for destruction"),
    )


@login_required
def hold_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        customer=_customer(request, pk),
        form_class=LegalHoldForm,
        may=rights.may_place_hold,
        service=holds.legal_hold_place,
        title=_("Place a legal hold"),
    )


@login_required
@require_GET
def destruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _request(request, pk)
    context = {
        "obj": obj,
        "record": getattr(obj, "record", None),
        "may_decide": rights.may_decide_destruction(request.user, obj),
        "may_withdraw": rights.may_withdraw_destruction(request.user, obj),
        "form": DecisionForm(),
    }
    return render(request, "lifecycle/destruction_detail.html", context)


DECISIONS = {
    "approve": destruction.destruction_approve,
    "refuse": destruction.destruction_refuse,
    "withdraw": destruction.destruction_withdraw,
}


@login_required
@require_POST
def destruction_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    obj = _request(request, pk)
    service = DECISIONS.get(decision)
    if service is None:
        raise Http404
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(actor=request.user, request=obj, **({"note": note} if decision != "withdraw" else {}))
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("lifecycle:destruction", pk=obj.pk)


@login_required
@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    hold = selectors.legal_holds_for(request.user).filter(pk=object_id(pk)).first()
    if hold is None:
        raise Http404
    try:
        holds.legal_hold_lift(actor=request.user, hold=hold)
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("The legal hold is lifted."))
    return redirect("lifecycle:queue")
