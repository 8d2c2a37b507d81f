"""Thin views: parse, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.visibility import visible_or_404
from lifecycle import rights, selectors
from lifecycle.forms import DestructionRequestForm, LegalHoldForm
from lifecycle.pages import customer_or_404, decision_page, decision_view, form_page, require, run_step
from lifecycle.services import destruction, holds


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


def _customer_form(form_class, may, service, title, then) -> Callable[..., HttpResponse]:
    """The page of a form about one customer that calls `service`; once saved, `then(obj)`."""

    @login_required
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        customer = customer_or_404(request, pk)
        require(may(request.user, customer), _("Your role cannot do this for this customer."))

        def done(obj) -> HttpResponse:
            messages.success(request, _("Saved."))
            return then(obj)

        form = form_class(request.POST or None)
        return form_page(request, customer=customer, form=form, service=service, title=str(title), done=done)

    return view


destruction_request_create = _customer_form(
    DestructionRequestForm,
    rights.may_request_destruction,
    destruction.destruction_request,
    gettext_lazy("Ask for destruction"),
    then=lambda obj: redirect("lifecycle:destruction", pk=obj.pk),
)
hold_create = _customer_form(
    LegalHoldForm,
    rights.may_place_hold,
    holds.legal_hold_place,
    gettext_lazy("Place a legal hold"),
    then=lambda obj: redirect("lifecycle:queue"),
)


@login_required
@require_GET
def destruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = visible_or_404(selectors.destruction_requests_for(request.user), pk)
    return decision_page(
        request,
        "lifecycle/destruction_detail.html",
        obj,
        may_decide=rights.may_decide_destruction(request.user, obj),
        may_withdraw=rights.may_withdraw_destruction(request.user, obj),
        record=getattr(obj, "record", None),
    )


DECISIONS = {
    "approve": lambda actor, obj, note: destruction.destruction_approve(actor=actor, request=obj, note=note),
    "refuse": lambda actor, obj, note: destruction.destruction_refuse(actor=actor, request=obj, note=note),
    "withdraw": lambda actor, obj, note: destruction.destruction_withdraw(actor=actor, request=obj),
}


destruction_decide = decision_view(selectors.destruction_requests_for, DECISIONS, "lifecycle:destruction")


@login_required
@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    hold = visible_or_404(selectors.legal_holds_for(request.user), pk)
    lift = partial(holds.legal_hold_lift, actor=request.user, hold=hold)
    return run_step(request, lift, "lifecycle:queue", message=_("The legal hold is lifted."))
