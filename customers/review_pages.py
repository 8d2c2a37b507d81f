"""How customer entries and change requests appear on the review app's pages
(review.pages): their sections of the queue, the entry's review page, and the
answer to a decision taken through /review/."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import selectors, services
from customers.duplicates import duplicates_for_viewer
from customers.models import ChangeRequest, ChangeStatus, Customer, Kind, Status, Tier
from customers.presentation import CustomerPresenter
from customers.review import CHANGE_REVIEW, CUSTOMER_REVIEW, validation_findings
from customers.rights import rights_for
from review.mechanism import decisions_of
from review.pages import ReviewPages, register


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _field_reasons(request: HttpRequest) -> dict[str, str]:
    field_names = {f.name for f in Customer._meta.fields} | {"tags"}
    return {
        key.removeprefix("reason_"): value[:500]
        for key, value in request.POST.items()
        if key.startswith("reason_") and key.removeprefix("reason_") in field_names and value.strip()
    }


class CustomerPages(ReviewPages):
    """New entries: the queue's paged, filterable section and a review page."""

    policy = CUSTOMER_REVIEW
    queue_order = 10
    queue_name = "entries"
    queue_template = "review/_customers.html"
    queue_paged = True
    url_prefix = ""
    page_template = "review/customer.html"

    @staticmethod
    def _filters(params) -> dict[str, str]:
        return {
            "kind": params.get("kind", "") if params.get("kind") in Kind.values else "",
            "tier": params.get("tier", "") if params.get("tier") in Tier.values else "",
            "maker": params.get("maker", "")[:150],
        }

    def queue(self, *, user, params) -> QuerySet[Customer]:
        return selectors.review_queue(user=user, **self._filters(params))

    def queue_section(self, *, user, params, page: int) -> dict[str, Any]:
        section = super().queue_section(user=user, params=params, page=page)
        duplicates, openable = duplicates_for_viewer(user, section["rows"])
        now = timezone.now()
        section["rows"] = [
            {
                "customer": c,
                "waiting": now - c.entered_at if c.entered_at else None,
                "second": self.policy.awaits_second_approval(c),
                "findings": validation_findings(c),
                "duplicates": duplicates.get(c.pk, []),
            }
            for c in section["rows"]
        ]
        return {**section, **self._filters(params), "openable": openable, "kinds": Kind.choices, "tiers": Tier.choices}

    def page_context(self, request: HttpRequest, customer: Customer) -> dict[str, Any]:
        rights = rights_for(request)
        reveal_basis = rights.reveal_basis(customer)
        duplicates, openable = duplicates_for_viewer(request.user, [customer])
        return {
            "customer": customer,
            "presenter": CustomerPresenter(customer, rights),
            "second": self.policy.awaits_second_approval(customer),
            "findings": validation_findings(customer),
            "duplicates": duplicates.get(customer.pk, []),
            "openable": openable,
            "decisions": decisions_of(customer)[:20],
            "reveal_basis": reveal_basis[0] if reveal_basis else "",
            "revealable": services.REVEALABLE,
            "reasons": request.session.pop(f"review-reasons-{customer.pk}", {}),
        }

    def decidable(self, user) -> QuerySet[Customer]:
        return selectors.customers_visible_to(user)

    def approve(self, request: HttpRequest, customer: Customer) -> str:
        decided = services.customer_approve(actor=request.user, customer=customer, version=_version(request))
        if decided.status == Status.APPROVED:
            return _("%(archive_no)s approved.") % {"archive_no": decided.archive_no}
        return _("%(archive_no)s: first approval given; it now waits for a manager's second approval.") % {
            "archive_no": decided.archive_no
        }

    def return_(self, request: HttpRequest, customer: Customer) -> str:
        reasons = _field_reasons(request)
        try:
            services.customer_return(
                actor=request.user,
                customer=customer,
                reason=request.POST.get("note", "")[:2000],
                field_reasons=reasons,
                version=_version(request),
            )
        except ValidationError:
            # The reviewer's reasons come back beside the fields.
            request.session[f"review-reasons-{customer.pk}"] = reasons
            raise
        return _("%(archive_no)s returned to its maker.") % {"archive_no": customer.archive_no}

    def after_refusal(self, request: HttpRequest, customer: Customer, exc: Exception) -> tuple[str, dict[str, Any]]:
        if not isinstance(exc, ValidationError):
            return "customers:detail", {"pk": customer.pk}
        if self.queued(request.user, customer.pk) is not None:
            return "review:page", {"pk": customer.pk}
        return "review:queue", {}


class ChangePages(ReviewPages):
    """Change requests: the queue's section; decided on the change's own page."""

    policy = CHANGE_REVIEW
    queue_order = 20
    queue_name = "changes"
    queue_template = "review/_changes.html"
    url_prefix = "changes/"
    url_name_prefix = "change_"

    def decidable(self, user) -> QuerySet[ChangeRequest]:
        return selectors.changes_visible_to(user)

    def approve(self, request: HttpRequest, change: ChangeRequest) -> str:
        decided = services.change_request_approve(actor=request.user, change=change)
        if decided.status == ChangeStatus.APPROVED:
            return _("Change %(number)s approved and applied to %(archive_no)s.") % {
                "number": decided.number,
                "archive_no": decided.customer.archive_no,
            }
        return _("Change %(number)s: first approval given; it now waits for a manager's second approval.") % {
            "number": decided.number
        }

    def return_(self, request: HttpRequest, change: ChangeRequest) -> str:
        services.change_request_return(
            actor=request.user,
            change=change,
            reason=request.POST.get("note", "")[:2000],
            field_reasons=_field_reasons(request),
        )
        return _("Change %(number)s returned to its maker.") % {"number": change.number}

    def after_refusal(self, request: HttpRequest, change: ChangeRequest, exc: Exception) -> tuple[str, dict[str, Any]]:
        return "customers:change", {"pk": change.pk}


CUSTOMER_PAGES = register(CustomerPages())
CHANGE_PAGES = register(ChangePages())
