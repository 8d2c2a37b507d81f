"""Thin views: parse, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import error_messages, form_service, said_already_submitted
from core.pagination import KeysFirstPaginator
from customers.rights import customer_for
from review.mechanism import decisions_of, latest_return
from transactions import rights, selectors, services
from transactions.forms import ContractForm, OrderForm, TransactionFilterForm, TransactionForm
from transactions.models import REVERSES, Kind, Transaction


def _visible_transaction(request: HttpRequest, pk: int) -> Transaction:
    return rights.transaction_for(request.user, pk)


@login_required
def transaction_list(request: HttpRequest) -> HttpResponse:
    form = TransactionFilterForm(request.GET or None, departments=rights.filter_departments(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.transaction_list(
        user=request.user,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        department_id=filters["department"].pk if filters.get("department") else None,
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = KeysFirstPaginator(rows, settings.CRM_CUSTOMER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "transactions/transaction_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def transaction_create(request: HttpRequest) -> HttpResponse:
    customer = customer_for(request.user, request.GET.get("customer"))
    initial = {
        "currency": "CNY",
        "kind": Kind.PURCHASE,
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
    }
    original_pk = request.GET.get("original", "")
    if original_pk.isdigit() and len(original_pk) < 19:
        original = selectors.transactions_visible_to(request.user).filter(pk=original_pk, customer=customer).first()
        if original is not None:
            reversing = next((k for k, kinds in REVERSES.items() if original.kind in kinds), None)
            initial.update(
                kind=reversing,
                original=original.pk,
                currency=original.currency,
                amount=services.left_to_reverse(original),
                product=original.product_id,
                order_no=original.order_no,
            )
    form = TransactionForm(request.POST or None, customer=customer, initial=initial)
    done = form_service(
        request,
        form,
        lambda: services.transaction_create(actor=request.user, customer=customer, fields=form.model_values()),
        success=lambda txn: (
            _("Saved as draft %(number)s. Check it, then confirm to send it for review.") % {"number": txn.number},
            reverse("transactions:confirm", kwargs={"pk": txn.pk}),
        ),
        refused_to=customer,
    )
    if done:
        return done
    return render(request, "transactions/transaction_form.html", {"form": form, "customer": customer, "txn": None})


@login_required
def transaction_update(request: HttpRequest, pk: int) -> HttpResponse:
    txn = _visible_transaction(request, pk)
    if not rights.may_edit(request.user, txn):
        messages.error(request, _("An approved transaction is never changed: correct it with a reversing entry."))
        return redirect("transactions:detail", pk=txn.pk)
    form = TransactionForm(request.POST or None, customer=txn.customer, instance=txn)
    done = form_service(
        request,
        form,
        lambda: services.transaction_update(actor=request.user, txn=txn, fields=form.model_values()),
        success=lambda _saved: (
            _("Changes saved. Check them, then confirm to send it for review."),
            reverse("transactions:confirm", kwargs={"pk": txn.pk}),
        ),
        refused_to=reverse("transactions:detail", kwargs={"pk": txn.pk}),
    )
    if done:
        return done
    returned = latest_return(txn)
    return render(
        request,
        "transactions/transaction_form.html",
        {
            "form": form,
            "customer": txn.customer,
            "txn": txn,
            "returned": returned,
            "reasons": returned.field_reasons if returned else {},
        },
    )


@login_required
def transaction_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    txn = _visible_transaction(request, pk)
    if not rights.may_edit(request.user, txn):
        return redirect("transactions:detail", pk=txn.pk)
    return render(request, "transactions/transaction_confirm.html", {"txn": txn, "customer": txn.customer})


@login_required
@require_POST
def transaction_submit(request: HttpRequest, pk: int) -> HttpResponse:
    txn = _visible_transaction(request, pk)
    try:
        services.transaction_submit(actor=request.user, txn=txn)
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, ValidationError) and said_already_submitted(request, txn, label=txn.number):
            return redirect("customers:detail", pk=txn.customer_id)
        error_messages(request, exc)
        return redirect("transactions:detail", pk=txn.pk)
    messages.success(request, _("%(number)s submitted: it now waits for review.") % {"number": txn.number})
    return redirect("customers:detail", pk=txn.customer_id)


@login_required
def transaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    txn = _visible_transaction(request, pk)
    deciding = selectors.transaction_queue(user=request.user).filter(pk=txn.pk).exists()
    return render(
        request,
        "transactions/transaction_detail.html",
        {
            "txn": txn,
            "customer": txn.customer,
            "reversals": txn.reversals.select_related("entered_by").order_by("occurred_at", "id"),
            "left": services.left_to_reverse(txn) if rights.reversible(txn) else None,
            "may_reverse": rights.may_reverse(request.user, txn),
            "deciding": deciding,
            "may_edit": rights.may_edit(request.user, txn),
            "decisions": decisions_of(txn)[:20],
            "trail": txn.history.select_related("history_user").order_by("-history_date")[:20],
        },
    )


def _decide(request: HttpRequest, pk: int, decide) -> HttpResponse:
    txn = _visible_transaction(request, pk)
    try:
        decide(txn)
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
        return redirect("transactions:detail", pk=txn.pk)
    return redirect("review:queue")


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@login_required
@require_POST
def transaction_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(txn: Transaction) -> None:
        services.transaction_approve(actor=request.user, txn=txn, version=_version(request))
        messages.success(request, _("%(number)s approved.") % {"number": txn.number})

    return _decide(request, pk, decide)


@login_required
@require_POST
def transaction_return(request: HttpRequest, pk: int) -> HttpResponse:
    names = {f.name for f in Transaction._meta.fields}
    reasons = {
        key.removeprefix("reason_"): value[:500]
        for key, value in request.POST.items()
        if key.startswith("reason_") and key.removeprefix("reason_") in names and value.strip()
    }

    def decide(txn: Transaction) -> None:
        services.transaction_return(
            actor=request.user,
            txn=txn,
            reason=request.POST.get("note", "")[:2000],
            field_reasons=reasons,
            version=_version(request),
        )
        messages.success(request, _("%(number)s returned to its maker.") % {"number": txn.number})

    return _decide(request, pk, decide)


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    customer = customer_for(request.user, request.GET.get("customer"))
    form = OrderForm(request.POST or None)
    done = form_service(
        request,
        form,
        lambda: services.order_create(actor=request.user, customer=customer, **form.cleaned_data),
        success=lambda order: (
            _("Order %(order_no)s created.") % {"order_no": order.order_no},
            f"{customer.get_absolute_url()}#orders",
        ),
        refused_to=customer,
    )
    return done or render(
        request, "transactions/simple_form.html", {"form": form, "customer": customer, "title": _("New order")}
    )


@login_required
@require_POST
def order_move(request: HttpRequest, pk: int) -> HttpResponse:
    order = rights.order_for(request.user, pk)
    try:
        moved = services.order_move(actor=request.user, order=order, to=request.POST.get("to", "")[:20])
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("Order %(order_no)s is now %(status)s.")
            % {"order_no": moved.order_no, "status": moved.get_status_display()},
        )
    return redirect(f"{order.customer.get_absolute_url()}#orders")


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    customer = customer_for(request.user, request.GET.get("customer"))
    form = ContractForm(request.POST or None, initial={"currency": "CNY"})
    done = form_service(
        request,
        form,
        lambda: services.contract_create(actor=request.user, customer=customer, fields=form.cleaned_data),
        success=lambda contract: (
            _("Contract %(contract_no)s recorded.") % {"contract_no": contract.contract_no},
            f"{customer.get_absolute_url()}#contracts",
        ),
        refused_to=customer,
    )
    return done or render(
        request, "transactions/simple_form.html", {"form": form, "customer": customer, "title": _("New contract")}
    )
