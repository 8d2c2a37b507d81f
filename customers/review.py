"""How customer records plug into the maker-checker mechanism (review.mechanism)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from customers.models import Customer, Status, Tier
from customers.rights import CustomerRights
from review.mechanism import ReviewPolicy


class CustomerReview(ReviewPolicy):
    model = Customer

    def may_review(self, actor, customer: Customer) -> bool:
        return CustomerRights(actor).deciding(customer)

    def needs_second_approval(self, customer: Customer) -> bool:
        return customer.tier == Tier.KEY

    def may_second_approve(self, actor, customer: Customer) -> bool:
        return (
            actor.department_id == customer.department_id
            and actor.pk not in (customer.entered_by_id, customer.reviewed_by_id)
            and actor.has_role_permission("customers.second_approve_customer")
        )

    def on_approved(self, customer: Customer, *, actor, now) -> None:
        if customer.id_number_index:
            twin = (
                Customer.objects.filter(
                    status=Status.APPROVED, id_type=customer.id_type, id_number_index=customer.id_number_index
                )
                .exclude(pk=customer.pk)
                .first()
            )
            if twin is not None:
                raise ValidationError(
                    _(
                        "An approved customer with this ID already exists: %(archive_no)s. "
                        "Return this entry as a duplicate."
                    )
                    % {"archive_no": twin.archive_no},
                    code="duplicate",
                )
        customer.contact_verified_at = now


CUSTOMER_REVIEW = CustomerReview()
