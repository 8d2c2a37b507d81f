"""Who may do what with contacts, complaints and surveys, decided in one place
(SPEC §2, issue 14). Views ask these predicates to show or hide a button and to
find a row or answer 404; the services ask them again, so a forged POST by the
wrong person is refused by the service, not only hidden."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.visibility import visible_or_404
from customers.models import Customer
from customers.rights import may_hold_records, open_for_business, require_maker
from customers.selectors import customers_visible_to, department_members
from interactions import selectors
from interactions.models import Complaint, Interaction


def interaction_for(user: User, pk) -> Interaction:
    return visible_or_404(selectors.interactions_visible_to(user).select_related("customer", "handler"), pk)


def complaint_for(user: User, pk) -> Complaint:
    return visible_or_404(selectors.complaints_visible_to(user).select_related("customer", "handler", "created_by"), pk)


def _same_department(user: User, department_id: int | None) -> bool:
    return user.department_id is not None and user.department_id == department_id


def in_scope(user: User, customer: Customer) -> bool:
    return customers_visible_to(user).filter(pk=customer.pk).exists()


def eligible_handlers(*, department_id: int | None) -> QuerySet[User]:
    """Who may be given a contact or a complaint of the department."""
    return department_members(department_id=department_id)


def may_handle(candidate: User, department_id: int | None) -> bool:
    return _same_department(candidate, department_id) and may_hold_records(candidate)


def may_close_follow_up(user: User, interaction: Interaction) -> bool:
    """The contact's handler, while still working on the department's records,
    or a manager of its department."""
    if not _same_department(user, interaction.department_id):
        return False
    if interaction.handler_id == user.pk and may_hold_records(user):
        return True
    return user.has_role_permission("interactions.close_follow_ups")


def may_move_complaint(user: User, complaint: Complaint) -> bool:
    """The complaint's handler or a manager of its department, in a role that
    works on complaints."""
    if not (
        _same_department(user, complaint.department_id) and user.has_role_permission("interactions.change_complaint")
    ):
        return False
    if not may_hold_records(user):
        return False
    return complaint.handler_id == user.pk or user.has_role_permission("interactions.assign_complaint")


def may_assign_complaint(user: User, complaint: Complaint) -> bool:
    """Only a manager of the complaint's department hands it to someone else."""
    return (
        _same_department(user, complaint.department_id)
        and user.has_role_permission("interactions.assign_complaint")
        and may_hold_records(user)
    )


def may_record_for(user: User, customer: Customer, permission: str) -> bool:
    """The customer page's buttons for a new contact, complaint or survey: an
    approved customer, a user who may hold records, in a role with `permission`."""
    return open_for_business(customer) and may_hold_records(user) and user.has_role_permission(permission)


# What the services call: each raises, so nothing is written by the wrong person.


def require_customer_in_scope(actor: User, customer: Customer) -> None:
    if not in_scope(actor, customer):
        raise PermissionDenied(_("You cannot record anything for a customer you cannot see."))


def require_maker_of(actor: User, permission: str, message: str, customer: Customer) -> None:
    require_maker(actor, permission, message)
    require_customer_in_scope(actor, customer)


def require_handler(handler: User, department_id: int | None) -> None:
    if not may_handle(handler, department_id):
        raise ValidationError(
            {
                "handler": _(
                    "Choose an active clerk or manager of the customer's department"
                    " (a security officer never handles a record)."
                )
            }
        )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
