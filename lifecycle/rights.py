"""Who may do what in the record's life after approval, decided in one place.

Rights come from roles (group permissions, no superuser shortcut) and the
department: a manager asks for destructions and places legal holds on the
department's customers; a security officer of the department approves or refuses
a destruction — never one they asked for themselves."""

from __future__ import annotations

from accounts.models import User
from customers.models import Customer, Status
from customers.rights import CustomerRights, is_security_officer
from lifecycle.models import ArchiveRequest, ArchiveStatus, DestructionRequest, DestructionStatus

DESTROYABLE = (Status.APPROVED, Status.ARCHIVED)


def _same_department(user: User, department_id: int | None) -> bool:
    return user.is_authenticated and user.department_id is not None and user.department_id == department_id


def may_request_destruction(user: User, customer: Customer) -> bool:
    return (
        _same_department(user, customer.department_id)
        and user.has_role_permission("lifecycle.request_destruction")
        and not is_security_officer(user)
    )


def may_decide_destruction(user: User, request: DestructionRequest) -> bool:
    """A security officer of the department, on a request someone else made."""
    return (
        request.status == DestructionStatus.REQUESTED
        and _same_department(user, request.department_id)
        and user.has_role_permission("lifecycle.approve_destruction")
        and request.requested_by_id != user.pk
    )


def may_withdraw_destruction(user: User, request: DestructionRequest) -> bool:
    return request.status == DestructionStatus.REQUESTED and request.requested_by_id == user.pk


def may_place_hold(user: User, customer: Customer) -> bool:
    return (
        _same_department(user, customer.department_id)
        and user.has_role_permission("lifecycle.place_legal_hold")
        and customer.status != Status.DESTROYED
    )


def sees_lifecycle(user: User) -> bool:
    """May open the department's destruction queue at all."""
    return user.is_authenticated and (
        user.has_role_permission("lifecycle.request_destruction")
        or user.has_role_permission("lifecycle.approve_destruction")
    )


def may_request_archive(user: User, customer: Customer) -> bool:
    """The record's maker or owner (with the right to change records), or a manager
    of its department, on an approved customer (archive) or an archived one (restore)."""
    if customer.status not in (Status.APPROVED, Status.ARCHIVED) or is_security_officer(user):
        return False
    holder = user.has_role_permission("customers.change_customer") and CustomerRights(user).holds_record(customer)
    return holder or (
        _same_department(user, customer.department_id) and user.has_role_permission("lifecycle.place_legal_hold")
    )


def may_withdraw_archive(user: User, request: ArchiveRequest) -> bool:
    return request.status == ArchiveStatus.PENDING and request.entered_by_id == user.pk


def may_reverify(user: User, customer: Customer) -> bool:
    """Who works on the record — its maker or owner, or a manager of its department —
    confirms its contact details with the customer."""
    if customer.status != Status.APPROVED or not user.has_role_permission("lifecycle.add_reverification"):
        return False
    return CustomerRights(user).holds_record(customer) or (
        _same_department(user, customer.department_id)
        and user.has_role_permission("customers.view_department_customers")
        and not is_security_officer(user)
    )


def may_handle_subject_request(user: User, customer: Customer) -> bool:
    """Who works on the record — its maker or owner, or a manager of its department —
    records and answers the customer's own requests."""
    if customer.status not in (Status.APPROVED, Status.ARCHIVED) or is_security_officer(user):
        return False
    return CustomerRights(user).holds_record(customer) or (
        _same_department(user, customer.department_id)
        and user.has_role_permission("customers.view_department_customers")
    )


def may_use_reverify_queue(user: User) -> bool:
    return user.is_authenticated and user.has_role_permission("lifecycle.add_reverification")


def handles_subject_requests(user: User) -> bool:
    """Who works on records — a clerk, a manager — records and answers customers'
    requests (the list shows those of the records they work on)."""
    return (
        user.is_authenticated
        and not is_security_officer(user)
        and (
            user.has_role_permission("customers.change_customer")
            or user.has_role_permission("customers.view_department_customers")
        )
    )


def checks_samples(user: User) -> bool:
    """A reviewer takes the second checks drawn from the department's approvals."""
    return user.is_authenticated and user.has_role_permission("customers.review_customer")


def customer_page_buttons(user: User, customer: Customer) -> dict[str, bool]:
    """What the customer page offers of the record's life after approval."""
    return {
        "archive": may_request_archive(user, customer),
        "destroy": may_request_destruction(user, customer),
        "hold": may_place_hold(user, customer),
        "reverify": may_reverify(user, customer),
        "request": may_handle_subject_request(user, customer),
    }
