"""Entry (create, correct, submit) and the review decisions of a customer record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import ArchiveSequence, Customer, Status, Tag
from customers.review import CUSTOMER_REVIEW
from customers.rights import CustomerRights, require_maker
from customers.services.ownership import object_rights_grant
from review.mechanism import maker_locked, review_approve, review_return, review_submit

EDITABLE_BY_MAKER = (Status.DRAFT, Status.RETURNED)


def archive_numbers_allocate(*, count: int = 1, on: date | None = None) -> list[str]:
    """Hand out `count` consecutive archive numbers (`KH` + year + sequence).

    Two clerks saving at the same moment never get the same number: the year's
    counter row is locked until the caller's transaction ends."""
    year = (on or timezone.localdate()).year
    with transaction.atomic():
        ArchiveSequence.objects.bulk_create([ArchiveSequence(year=year)], ignore_conflicts=True)
        # Row lock: the race is two inserts reading the same `last`.
        sequence = ArchiveSequence.objects.select_for_update().get(year=year)
        first = sequence.last + 1
        sequence.last += count
        sequence.save(update_fields=["last"])
    return [f"KH{year}{n:06d}" for n in range(first, first + count)]


@transaction.atomic
def customer_create(*, actor: User, fields: Mapping[str, Any], tags: Iterable[Tag] = (), reason: str = "") -> Customer:
    """A new draft entered by `actor`, who becomes its maker and owner."""
    if actor.department_id is None:
        raise PermissionDenied(_("You belong to no department, so you cannot enter customers."))
    require_maker(actor, "customers.add_customer", _("Your role does not enter customers."))
    customer = Customer(**fields)
    customer.owner = actor
    customer.department_id = actor.department_id
    customer.entered_by = actor
    customer.status = Status.DRAFT
    # The number's counter row stays locked until this transaction ends; an invalid
    # record rolls the number back with it.
    (customer.archive_no,) = archive_numbers_allocate()
    tracked_save(customer, actor=actor, reason=Reason.ENTERED, note=reason)
    customer.tags.set(tags)
    object_rights_grant(customer=customer)
    return customer


@transaction.atomic
def customer_update(
    *, actor: User, customer: Customer, fields: Mapping[str, Any], tags: Iterable[Tag] | None = None, reason: str = ""
) -> Customer:
    """Correct a draft or a returned entry. Only its maker may, and only before review."""
    customer = maker_locked(CUSTOMER_REVIEW, customer, actor=actor, action=_("correct"))
    CustomerRights(actor).require_holds(customer)
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.version += 1
    tracked_save(customer, actor=actor, reason=Reason.CORRECTED, note=reason)
    if tags is not None:
        customer.tags.set(tags)
    return customer


def customer_submit(*, actor: User, customer: Customer) -> Customer:
    """The maker sends a draft (or a corrected, returned entry) for review."""
    CustomerRights(actor).require_holds(customer)
    return review_submit(policy=CUSTOMER_REVIEW, obj=customer, actor=actor)


def customer_approve(*, actor: User, customer: Customer, version: int | None = None) -> Customer:
    """Approve a pending entry (for a key customer: the first, then the second of
    two approvals). `version` is the version the checker saw; by default the one
    of the instance passed in."""
    return review_approve(
        policy=CUSTOMER_REVIEW, obj=customer, actor=actor, version=customer.version if version is None else version
    )


def customer_return(
    *,
    actor: User,
    customer: Customer,
    reason: str = "",
    field_reasons: dict[str, str] | None = None,
    version: int | None = None,
) -> Customer:
    """Send a pending entry back to its maker, with reasons beside the fields."""
    unknown = set(field_reasons or {}) - {f.name for f in Customer._meta.fields}
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    return review_return(
        policy=CUSTOMER_REVIEW,
        obj=customer,
        actor=actor,
        version=customer.version if version is None else version,
        field_reasons=field_reasons or {},
        note=reason,
    )
