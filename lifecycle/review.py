"""How archive requests plug into review: `ArchiveRequest` inherits
`review.models.Reviewed`; this policy says who decides (a reviewer of the
customer's department) and what approving applies (the customer's status)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import Customer, Status
from lifecycle.models import ArchiveAction, ArchiveRequest
from review.pages import ReviewPages
from review.pages import register as register_pages
from review.policies import ReviewPolicy, register


class ArchiveReview(ReviewPolicy):
    model = ArchiveRequest
    review_permission = "customers.review_customer"
    department_path = "customer__department"
    queue_related = ("entered_by", "customer")

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
        tracked_save(
            customer,
            actor=actor,
            reason=Reason.MOVED,
            data={"old": before, "new": after},
            note=f"{request.number}: {request.reason}",
            update_fields=["status", "updated_at"],
        )


ARCHIVE_REVIEW = register(ArchiveReview())


class ArchivePages(ReviewPages):
    """Archive requests in the review queue; decided on their own page (lifecycle:archive)."""

    policy = ARCHIVE_REVIEW
    queue_order = 40
    queue_name = "archives"
    queue_template = "lifecycle/_review_queue.html"


ARCHIVE_PAGES = register_pages(ArchivePages())
