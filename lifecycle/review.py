"""How archive requests plug into the maker-checker mechanism (review.mechanism),
as change requests do (customers.review). Built on the mechanism directly: the
`Reviewed` base the review helper is making was not in main when this was written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from customers.models import Customer, Status
from lifecycle.models import ArchiveAction, ArchiveRequest
from review.mechanism import ReviewPolicy


class ArchiveReview(ReviewPolicy):
    model = ArchiveRequest

    def may_review(self, actor, request: ArchiveRequest) -> bool:
        return (
            actor.department_id is not None
            and actor.department_id == request.customer.department_id
            and actor.pk != request.entered_by_id
            and actor.has_role_permission("customers.review_customer")
        )

    def on_approved(self, request: ArchiveRequest, *, actor, now) -> None:
        # Row lock on the customer: the race is a change or a destruction crossing the archive.
        customer = Customer.objects.select_for_update().get(pk=request.customer_id)
        before, after = (
            (Status.APPROVED, Status.ARCHIVED)
            if request.action == ArchiveAction.ARCHIVE
            else (Status.ARCHIVED, Status.APPROVED)
        )
        if customer.status != before:
            raise ValidationError(
                _("The customer is %(status)s now; this request no longer applies.")
                % {"status": customer.get_status_display()},
                code="status",
            )
        customer.status = after
        customer._history_user = actor
        customer._change_reason = f"{request.get_action_display()} {request.number}: {request.reason}"
        customer.save(update_fields=["status", "updated_at"])


ARCHIVE_REVIEW = ArchiveReview()
