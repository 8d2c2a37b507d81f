"""How customer records and their change requests plug into review: their policies
(review.policies), registered when the app is ready."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import ChangeRequest, Customer, Status, Tag, Tier
from customers.proposals import TAGS, proposed_values
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

    def save(self, customer: Customer, *, actor, reason: Reason, note: str = "") -> None:
        """The record's own rules are checked again (its fields and `clean`); what
        the database enforces by itself on this update — foreign keys, unique
        columns, check constraints — is left to it: a decision changes none of the
        maker's values, and the mechanism has already raised the readable errors
        (maker ≠ checker, one approved customer per ID). Ten queries fewer."""
        relations = [f.name for f in Customer._meta.concrete_fields if f.is_relation]
        tracked_save(
            customer,
            actor=actor,
            reason=reason,
            note=note,
            exclude=relations,
            validate_unique=False,
            validate_constraints=False,
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


CUSTOMER_REVIEW = register(CustomerReview())


def change_request_apply(change: ChangeRequest, *, actor: User) -> Customer:
    """Write an approved proposal into its customer: what approving a change
    applies (`ChangeReview.on_approved`), inside the approving transaction, so the
    change and the decision land together."""
    customer = Customer.objects.select_for_update().get(pk=change.customer_id)
    if customer.status != Status.APPROVED:
        raise ValidationError(
            _("The customer is %(status)s now; this change can no longer be applied. Return it.")
            % {"status": customer.get_status_display()},
            code="closed",
        )
    if customer.version != change.base_version:
        raise ValidationError(
            _("The customer changed after this request was made; return it so that it is made again."),
            code="stale",
        )
    values = proposed_values(change)
    tags = values.pop(TAGS, None)
    for name, value in values.items():
        setattr(customer, name, value)
    customer.version += 1
    checkers = [u.display_name for u in (change.reviewed_by, actor) if u is not None]
    tracked_save(
        customer,
        actor=actor,
        reason=Reason.CHANGE_APPLIED,
        note=change.reason,
        data={
            "number": change.number,
            "maker": change.entered_by.display_name,
            "checkers": list(dict.fromkeys(checkers)),
        },
        exclude=["archive_no"],
    )
    if tags is not None:
        customer.tags.set(Tag.objects.filter(name__in=tags))
    return customer


class ChangeReview(ReviewPolicy):
    """A change request is decided like an entry, by the customer's department;
    a change of a key customer (or one that makes it key) needs a second approval."""

    model = ChangeRequest
    review_permission = "customers.review_customer"
    second_approval_permission = "customers.second_approve_customer"
    department_path = "customer__department"
    queue_related = ("customer", "entered_by", "reviewed_by")

    def needs_second_approval(self, change: ChangeRequest) -> bool:
        return change.customer.tier == Tier.KEY or proposed_values(change).get("tier") == Tier.KEY

    def on_approved(self, change: ChangeRequest, *, actor, now) -> None:
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
