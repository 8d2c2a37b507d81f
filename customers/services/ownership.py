"""Per-object rights of a customer's maker and owner, and owner reassignment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import Customer, CustomerUserObjectPermission
from customers.rights import CustomerRights, may_hold_records

MAKER_RIGHTS = ("customers.view_customer", "customers.change_customer")
OWNER_RIGHTS = ("customers.view_customer",)


def object_rights_grant(*, customer: Customer) -> None:
    """Give a new customer's maker and owner their rows in the permission table."""
    for perm in MAKER_RIGHTS:
        assign_perm(perm, customer.entered_by, customer)
    if customer.owner_id != customer.entered_by_id:
        for perm in OWNER_RIGHTS:
            assign_perm(perm, customer.owner, customer)


@transaction.atomic
def customer_reassign_owner(*, actor: User, customer: Customer, new_owner: User, reason: str = "") -> Customer:
    """A manager hands a customer of their department to another member of it;
    the owner's per-object rights move with it."""
    # Row lock: the race is two managers reassigning the same customer.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not CustomerRights(actor).may_reassign_owner(customer):
        raise PermissionDenied(_("Only a manager of the customer's department reassigns its owner."))
    if not CustomerRights(actor).may_own(customer, new_owner):
        raise ValidationError(
            {
                "owner": _(
                    "The new owner must be an active clerk or manager of the customer's department"
                    " (a security officer never owns a record)."
                )
            }
        )
    old_owner = customer.owner
    if old_owner.pk == new_owner.pk:
        return customer
    if old_owner.pk != customer.entered_by_id:
        for perm in OWNER_RIGHTS:
            remove_perm(perm, old_owner, customer)
    for perm in OWNER_RIGHTS:
        assign_perm(perm, new_owner, customer)
    customer.owner = new_owner
    tracked_save(
        customer, actor=actor, reason=Reason.OWNER_REASSIGNED, note=reason, update_fields=["owner", "updated_at"]
    )
    return customer


def object_rights_end_for_user(user: User, *, actor: User | None = None, reasons: list[str] = (), now=None) -> int:
    """Remove `user`'s per-object rights on customers they no longer may hold:
    all of them out of a working role, else those of other departments."""
    rows = CustomerUserObjectPermission.objects.filter(user=user)
    if may_hold_records(user):
        rows = rows.exclude(content_object__department_id=user.department_id)
    deleted, _rows = rows.delete()
    return deleted
