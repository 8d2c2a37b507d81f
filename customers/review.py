"""How customer records and their change requests plug into review: their policies
(review.policies), registered when the app is ready."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from customers.models import ChangeRequest, Customer, Status, Tier
from review.policies import ReviewPolicy, register


class CustomerReview(ReviewPolicy):
    """An entry is decided by a reviewer of its department; a key customer needs
    a second approval, from a manager of the department."""

    model = Customer
    review_permission = "customers.review_customer"
    second_approval_permission = "customers.second_approve_customer"
    queue_related = ("entered_by", "department", "reviewed_by", "data_key")

    def needs_second_approval(self, customer: Customer) -> bool:
        return customer.tier == Tier.KEY

    def second_approval_filter(self) -> Q:
        return Q(tier=Tier.KEY)

    def save(self, customer: Customer, *, actor, reason: str) -> None:
        """The record's own rules are checked again (its fields and `clean`); what
        the database enforces by itself on this update — foreign keys, unique
        columns, check constraints — is left to it: a decision changes none of the
        maker's values, and the mechanism has already raised the readable errors
        (maker ≠ checker, one approved customer per ID). Ten queries fewer."""
        customer._history_user = actor
        customer._change_reason = reason
        relations = [f.name for f in Customer._meta.concrete_fields if f.is_relation]
        customer.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        customer.save()

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


CUSTOMER_REVIEW = register(CustomerReview())


class ChangeReview(ReviewPolicy):
    """A change request is decided like an entry, by the customer's department;
    a change of a key customer (or one that makes it key) needs a second approval."""

    model = ChangeRequest
    review_permission = "customers.review_customer"
    second_approval_permission = "customers.second_approve_customer"
    department_path = "customer__department"
    queue_related = ("customer", "entered_by", "reviewed_by")

    def needs_second_approval(self, change: ChangeRequest) -> bool:
        from customers.services.changes import proposed_values

        return change.customer.tier == Tier.KEY or proposed_values(change).get("tier") == Tier.KEY

    def on_approved(self, change: ChangeRequest, *, actor, now) -> None:
        from customers.services.changes import change_request_apply

        change_request_apply(change, actor=actor)


CHANGE_REVIEW = register(ChangeReview())


def validation_findings(customer: Customer) -> list[str]:
    """What the record's own rules say about it now (no database queries), for
    the review queue and page: a record saved under older rules may fail today's."""
    from django.utils.text import capfirst

    # Relations are the system's, set by the services; checking them would cost
    # a query each.
    relations = [f.name for f in Customer._meta.concrete_fields if f.is_relation]
    try:
        customer.clean_fields(exclude=["archive_no", *relations])
        customer.clean()
    except ValidationError as exc:
        findings = []
        for field, messages in exc.message_dict.items():
            label = capfirst(Customer._meta.get_field(field).verbose_name) if field != "__all__" else ""
            findings += [f"{label}：{message}" if label else message for message in messages]
        return findings
    return []
