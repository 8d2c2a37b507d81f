"""The review queue and the review page (SPEC §4 Review)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import error_messages
from core.pagination import page_number
from customers import selectors, services
from customers.duplicates import duplicates_for_viewer
from customers.models import ChangeRequest, ChangeStatus, Customer, Kind, Tier
from customers.presentation import CustomerPresenter
from customers.review import CUSTOMER_REVIEW, validation_findings
from customers.rights import rights_for
from review.mechanism import awaits_second_approval, decisions_of
from transactions.selectors import transaction_queue

PAGE_SIZE = 50


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "") if request.GET.get("kind") in Kind.values else ""
    tier = request.GET.get("tier", "") if request.GET.get("tier") in Tier.values else ""
    maker = request.GET.get("maker", "")[:150]
    page = page_number(request.GET.get("page"), size=PAGE_SIZE)
    queue = selectors.review_queue(user=request.user, kind=kind, tier=tier, maker=maker)
    # The page's keys first (an index-only walk of the pending rows), then its rows.
    keys = list(queue.values_list("pk", flat=True)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    has_next, keys = len(keys) > PAGE_SIZE, keys[:PAGE_SIZE]
    loaded = queue.in_bulk(keys)
    rows = [loaded[key] for key in keys if key in loaded]
    duplicates, openable = duplicates_for_viewer(request.user, rows)
    now = timezone.now()
    entries = [
        {
            "customer": c,
            "waiting": now - c.entered_at if c.entered_at else None,
            "second": awaits_second_approval(CUSTOMER_REVIEW, c),
            "findings": validation_findings(c),
            "duplicates": duplicates.get(c.pk, []),
        }
        for c in rows
    ]
    return render(
        request,
        "customers/review_queue.html",
        {
            "entries": entries,
            "changes": selectors.change_queue(user=request.user)[:PAGE_SIZE] if page == 1 else [],
            "transactions": transaction_queue(user=request.user)[:PAGE_SIZE] if page == 1 else [],
            "page": page,
            "has_next": has_next,
            "kind": kind,
            "tier": tier,
            "maker": maker,
            "openable": openable,
            "kinds": Kind.choices,
            "tiers": Tier.choices,
        },
    )


def _queued(request: HttpRequest, pk: int) -> Customer:
    customer = selectors.review_queue(user=request.user).filter(pk=pk).first()
    if customer is None:
        raise Http404
    return customer


@login_required
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _queued(request, pk)
    rights = rights_for(request)
    presenter = CustomerPresenter(customer, rights)
    reveal_basis = rights.reveal_basis(customer)
    duplicates, openable = duplicates_for_viewer(request.user, [customer])
    return render(
        request,
        "customers/review_page.html",
        {
            "customer": customer,
            "presenter": presenter,
            "second": awaits_second_approval(CUSTOMER_REVIEW, customer),
            "findings": validation_findings(customer),
            "duplicates": duplicates.get(customer.pk, []),
            "openable": openable,
            "decisions": decisions_of(customer)[:20],
            "reveal_basis": reveal_basis[0] if reveal_basis else "",
            "revealable": services.REVEALABLE,
            "reasons": request.session.pop(f"review-reasons-{customer.pk}", {}),
        },
    )


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _decide(request: HttpRequest, pk: int, decide) -> HttpResponse:
    customer = Customer.objects.filter(pk=pk).first()
    if customer is None or not selectors.customers_visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    try:
        decide(customer)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return (
            redirect("review:page", pk=pk)
            if selectors.review_queue(user=request.user).filter(pk=pk)
            else redirect("review:queue")
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("customers:detail", pk=pk)
    return redirect("review:queue")


@login_required
@require_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(customer: Customer) -> None:
        decided = services.customer_approve(actor=request.user, customer=customer, version=_version(request))
        if decided.status == "approved":
            messages.success(request, _("%(archive_no)s approved.") % {"archive_no": decided.archive_no})
        else:
            messages.success(
                request,
                _("%(archive_no)s: first approval given; it now waits for a manager's second approval.")
                % {"archive_no": decided.archive_no},
            )

    return _decide(request, pk, decide)


@login_required
@require_POST
def review_return(request: HttpRequest, pk: int) -> HttpResponse:
    reasons = _field_reasons(request)

    def decide(customer: Customer) -> None:
        try:
            services.customer_return(
                actor=request.user,
                customer=customer,
                reason=request.POST.get("note", "")[:2000],
                field_reasons=reasons,
                version=_version(request),
            )
        except ValidationError:
            request.session[f"review-reasons-{customer.pk}"] = reasons
            raise
        messages.success(request, _("%(archive_no)s returned to its maker.") % {"archive_no": customer.archive_no})

    return _decide(request, pk, decide)


def _field_reasons(request: HttpRequest) -> dict[str, str]:
    field_names = {f.name for f in Customer._meta.fields} | {"tags"}
    return {
        key.removeprefix("reason_"): value[:500]
        for key, value in request.POST.items()
        if key.startswith("reason_") and key.removeprefix("reason_") in field_names and value.strip()
    }


def _decide_change(request: HttpRequest, pk: int, decide) -> HttpResponse:
    change = selectors.changes_visible_to(request.user).filter(pk=pk).first()
    if change is None:
        raise Http404
    try:
        decide(change)
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
        return redirect("customers:change", pk=pk)
    return redirect("review:queue")


@login_required
@require_POST
def change_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(change: ChangeRequest) -> None:
        decided = services.change_request_approve(actor=request.user, change=change)
        if decided.status == ChangeStatus.APPROVED:
            messages.success(
                request,
                _("Change %(number)s approved and applied to %(archive_no)s.")
                % {"number": decided.number, "archive_no": decided.customer.archive_no},
            )
        else:
            messages.success(
                request,
                _("Change %(number)s: first approval given; it now waits for a manager's second approval.")
                % {"number": decided.number},
            )

    return _decide_change(request, pk, decide)


@login_required
@require_POST
def change_return(request: HttpRequest, pk: int) -> HttpResponse:
    def decide(change: ChangeRequest) -> None:
        services.change_request_return(
            actor=request.user,
            change=change,
            reason=request.POST.get("note", "")[:2000],
            field_reasons=_field_reasons(request),
        )
        messages.success(request, _("Change %(number)s returned to its maker.") % {"number": change.number})

    return _decide_change(request, pk, decide)
