"""What the lifecycle pages share: the customer or a 404, a form page that calls a
service, a step (a decision, a lift) that calls one and says how it went, and the
page and the POST of a request decided with a note."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import button_service, form_error
from core.visibility import visible_or_404
from customers.models import Customer
from customers.selectors import customers_visible_to
from lifecycle.forms import DecisionForm


def customer_or_404(request: HttpRequest, pk) -> Customer:
    return visible_or_404(customers_visible_to(request.user), pk)


def require(allowed: bool, refusal: str) -> None:
    """A 403 with the rights module's answer when it says no."""
    if not allowed:
        raise PermissionDenied(refusal)


def saved(request: HttpRequest, message: str, to: str, **kwargs) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, **kwargs)


def form_page(
    request: HttpRequest, *, customer: Customer, form, service: Callable, title: str, done: Callable
) -> HttpResponse:
    """The form about `customer`; a valid POST calls `service(actor=..., customer=...,
    **cleaned_data)` and answers `done(obj)`, a refusal goes beside its field."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = service(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            return done(obj)
    return render(request, "transactions/simple_form.html", {"form": form, "customer": customer, "title": title})


def run_step(
    request: HttpRequest, action: Callable[[], object], to: str, *, message: str = "", **kwargs
) -> HttpResponse:
    """Run `action`; its refusal becomes page messages, its success `message`; back to `to`."""
    button_service(request, action, done=message or _("Done."))
    return redirect(to, **kwargs)


def decision_page(request: HttpRequest, template: str, obj, *, may_decide: bool, may_withdraw: bool, **more):
    """A request's page with its decision form (the rights module says who may use it)."""
    context = {"obj": obj, "may_decide": may_decide, "may_withdraw": may_withdraw, "form": DecisionForm(), **more}
    return render(request, template, context)


def decision_view(rows_for: Callable, decisions: Mapping[str, Callable], to: str) -> Callable[..., HttpResponse]:
    """The POST of that form on a request of `rows_for(user)`:
    `decisions[decision](actor, obj, note)`, an unknown decision a 404; back to `to`."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
        obj = visible_or_404(rows_for(request.user), pk)
        if decision not in decisions:
            raise Http404
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        return run_step(request, partial(decisions[decision], request.user, obj, note), to, pk=obj.pk)

    return view
