"""Pages that compose several domain apps (the customer page, each role's "my
work", the manual). Thin: each asks the apps' selectors for rows and their
rights modules for what the viewer may do, then renders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from audit.trail import trail_entries
from customers import selectors
from customers.duplicate_views import merged_record_response
from customers.models import ChangeStatus, Customer, Tag
from customers.presentation import CustomerPresenter
from customers.rights import customer_for, rights_for
from customers.services import REVEALABLE
from desk import manual
from desk import selectors as desk_selectors
from insight.selectors import customer_scores
from interactions import rights as interaction_rights
from interactions.selectors import customer_service, customer_timeline
from lifecycle import rights as lifecycle_rights
from review.mechanism import decisions_of
from transactions import rights as transaction_rights
from transactions.selectors import customer_business


def _business_buttons(user, customer: Customer) -> dict[str, bool]:
    """What the customer page offers to record, as the transactions' and
    interactions' rights decide (their services ask the same again)."""
    return {
        "enter": transaction_rights.may_enter_for(user, customer),
        "move_orders": transaction_rights.may_move_orders(user),
        "log": interaction_rights.may_record_for(user, customer, "interactions.add_interaction"),
        "complain": interaction_rights.may_record_for(user, customer, "interactions.add_complaint"),
        "survey": interaction_rights.may_record_for(user, customer, "interactions.add_feedback"),
    }


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-screen customer page: the record, its trail and decisions, and
    the customer's transactions, orders, contracts, contacts and complaints."""
    customer = customer_for(request.user, pk, page=True)
    if customer.merged_into_id:  # a tombstone (issue 19)
        return merged_record_response(request, customer)
    rights = rights_for(request)
    presenter = CustomerPresenter(customer, rights)
    records = list(selectors.customer_history(customer=customer)[:51])
    trail = trail_entries(records, model=Customer, show=presenter.show)[:50]
    decisions = list(decisions_of(customer)[:50])
    reveal_basis = rights.reveal_basis(customer)
    may_tag = rights.may_tag(customer)
    return render(
        request,
        "desk/customer_detail.html",
        {
            "customer": customer,
            "presenter": presenter,
            "trail": trail,
            "can_edit": rights.may_edit(customer),
            "can_request_change": rights.may_request_change(customer),
            "pending_change": customer.change_requests.filter(status=ChangeStatus.PENDING).first(),
            "business": customer_business(customer=customer, page_number=request.GET.get("tx_page")),
            "service": customer_service(customer=customer),
            "may": _business_buttons(request.user, customer),
            "life": lifecycle_rights.customer_page_buttons(request.user, customer),
            "timeline": customer_timeline(customer=customer, trail=trail, decisions=decisions),
            "insight": customer_scores(customer=customer),
            "reveal_basis": reveal_basis[0] if reveal_basis else "",
            "revealable": REVEALABLE,
            "live_grant": rights.live_grants.get(customer.pk),
            "may_request_grant": rights.may_request_grant(customer),
            "may_tag": may_tag,
            "all_tags": Tag.objects.all() if may_tag else (),
            "owner_choices": selectors.department_members(department_id=customer.department_id)
            if rights.may_reassign_owner(customer)
            else None,
        },
    )


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Each role's own "my work" (SPEC §6 `/`): the panels of every role the user holds."""
    return render(request, "desk/my_work.html", desk_selectors.my_work_panels(user=request.user))


@require_safe
def help_index(request: HttpRequest) -> HttpResponse:
    """The manual's contents: one page per role, the reader's own roles first.
    Open to anyone, logged in or not: it holds no record."""
    mine = request.user.role_names if request.user.is_authenticated else frozenset()
    pages = sorted(manual.PAGES.values(), key=lambda page: page.role not in mine)
    return render(request, "desk/help_index.html", {"pages": pages, "mine": mine})


@require_safe
def help_page(request: HttpRequest, role: str) -> HttpResponse:
    page = manual.PAGES.get(role)
    if page is None:
        raise Http404
    return render(request, page.template, {"page": page, "pages": manual.PAGES.values()})
