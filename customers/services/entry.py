"""Entry (create, correct, submit) and the review decisions of a customer record."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from customers.models import ArchiveSequence, Customer, Status, Tag, Tier
from customers.services.ownership import object_rights_grant

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


def _save(customer: Customer, *, actor: User, reason: str) -> None:
    customer._history_user = actor
    customer._change_reason = reason
    customer.save()


@transaction.atomic
def customer_create(*, actor: User, fields: Mapping[str, Any], tags: Iterable[Tag] = (), reason: str = "") -> Customer:
    """A new draft entered by `actor`, who becomes its maker and owner."""
    if actor.department_id is None:
        raise PermissionDenied(_("You belong to no department, so you cannot enter customers."))
    customer = Customer(**fields)
    customer.owner = actor
    customer.department_id = actor.department_id
    customer.entered_by = actor
    customer.status = Status.DRAFT
    customer.archive_no = "pending"  # replaced below, once the record is known to be valid
    customer.full_clean(exclude=["archive_no"])
    (customer.archive_no,) = archive_numbers_allocate()
    _save(customer, actor=actor, reason=reason or _("Entered"))
    customer.tags.set(tags)
    object_rights_grant(customer=customer)
    return customer


@transaction.atomic
def customer_update(
    *, actor: User, customer: Customer, fields: Mapping[str, Any], tags: Iterable[Tag] | None = None, reason: str = ""
) -> Customer:
    """Correct a draft or a returned entry. Only its maker may, and only before review."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.entered_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who entered this record can correct it."))
    if customer.status not in EDITABLE_BY_MAKER:
        raise ValidationError(
            _("This record is %(status)s and can no longer be edited.") % {"status": customer.get_status_display()}
        )
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.full_clean()
    _save(customer, actor=actor, reason=reason or _("Corrected"))
    if tags is not None:
        customer.tags.set(tags)
    return customer


@transaction.atomic
def customer_submit(*, actor: User, customer: Customer) -> Customer:
    """The maker sends a draft (or a corrected, returned entry) for review."""
    # Row lock: the race is a submit crossing an edit of the same draft.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.entered_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who entered this record can submit it."))
    if customer.status not in EDITABLE_BY_MAKER:
        raise ValidationError(
            _("This record is %(status)s and cannot be submitted again.") % {"status": customer.get_status_display()}
        )
    customer.status = Status.PENDING
    customer.entered_at = timezone.now()
    # The checkers of a returned version do not carry over to the corrected one.
    customer.reviewed_by = customer.reviewed_at = None
    customer.second_reviewed_by = customer.second_reviewed_at = None
    customer.full_clean()
    _save(customer, actor=actor, reason=_("Submitted for review"))
    return customer


def _decidable(customer: Customer, *, actor: User) -> Customer:
    # Row lock: the race is two reviewers deciding the same entry at once.
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.status != Status.PENDING:
        who = locked.second_reviewed_by or locked.reviewed_by
        raise ValidationError(
            _("Already decided by %(who)s: the record is now %(status)s.")
            % {"who": who.display_name if who else "—", "status": locked.get_status_display()}
        )
    if locked.entered_by_id == actor.pk:
        raise PermissionDenied(_("You entered this record, so someone else must review it."))
    if not actor.has_role(Role.REVIEWER) and not actor.has_role(Role.MANAGER):
        raise PermissionDenied(_("Only reviewers decide entries."))
    if actor.department_id != locked.department_id:
        raise PermissionDenied(_("Only reviewers of the record's department decide it."))
    return locked


@transaction.atomic
def customer_approve(*, actor: User, customer: Customer) -> Customer:
    """Approve a pending entry. A key customer needs a second approval by a
    department manager who is neither the maker nor the first reviewer."""
    customer = _decidable(customer, actor=actor)
    now = timezone.now()
    if customer.tier == Tier.KEY and customer.reviewed_by_id is not None:
        if not actor.has_role(Role.MANAGER):
            raise PermissionDenied(_("A key customer's second approval must come from a department manager."))
        if actor.pk == customer.reviewed_by_id:
            raise PermissionDenied(_("The second approval must come from someone other than the first reviewer."))
        customer.second_reviewed_by, customer.second_reviewed_at = actor, now
    else:
        customer.reviewed_by, customer.reviewed_at = actor, now
    if customer.tier != Tier.KEY or customer.second_reviewed_by_id is not None:
        customer.status = Status.APPROVED
        customer.contact_verified_at = now
    customer.full_clean()
    _save(customer, actor=actor, reason=_("Approved"))
    return customer


@transaction.atomic
def customer_return(*, actor: User, customer: Customer, reason: str) -> Customer:
    """Send a pending entry back to its maker with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the maker must correct.")})
    customer = _decidable(customer, actor=actor)
    customer.status = Status.RETURNED
    customer.reviewed_by, customer.reviewed_at = actor, timezone.now()
    customer.second_reviewed_by = customer.second_reviewed_at = None
    _save(customer, actor=actor, reason=_("Returned: %(reason)s") % {"reason": reason.strip()})
    return customer
