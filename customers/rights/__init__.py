"""What one user may see and do with customers (SPEC §2), decided in one place.

Rows: `customers.selectors.customers_visible_to`, and `customer_for` for "this
customer or a 404". Fields and buttons: `CustomerRights` below. Both read rights
from roles (group permissions, without the superuser shortcut), per-object
permissions (django-guardian) and live access grants — never a role name tested
in a view. Grants and change requests have their own modules beside this one
(`customers.rights.grants`, `customers.rights.changes`)."""

from __future__ import annotations

from functools import cached_property

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.visibility import visible_or_404
from customers import selectors
from customers.models import AccessGrant, Customer, Status
from review.mechanism import EDITABLE_BY_MAKER
from vault.masking import RevealBasis


def customer_for(user: User, pk, *, page: bool = False) -> Customer:
    """One customer `user` may see, or a 404 (out of scope, missing and a bad id
    alike); with `page`, loaded with what the customer's own pages show."""
    if page:
        return visible_or_404(selectors.customer_detail_rows(user=user), pk)
    return visible_or_404(selectors.customers_visible_to(user).select_related("department"), pk)


def is_security_officer(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.SECURITY_OFFICER)


def reviews_entries(user: User) -> bool:
    """Decides entries of the department: first approvals (a reviewer) or second
    ones (a manager)."""
    return user.has_role_permission("customers.review_customer") or user.has_role_permission(
        "customers.second_approve_customer"
    )


def may_hold_records(user: User) -> bool:
    """May be a record's maker, owner or handler: an active member of a department
    in a role that works on records (clerk or manager). Never a security officer,
    who sees no personal value in any capacity (SPEC §2) — even one who also holds
    another role."""
    return (
        user.is_authenticated
        and user.is_active
        and user.department_id is not None
        and not is_security_officer(user)
        and (
            user.has_role_permission("customers.add_customer")
            or user.has_role_permission("customers.view_personal_values")
        )
    )


def require_maker(actor: User, permission: str, message: str) -> None:
    """Refuse `actor` as the maker of a new record unless their role has
    `permission` (a role right, no superuser shortcut) and they may hold records."""
    if not (actor.has_role_permission(permission) and may_hold_records(actor)):
        raise PermissionDenied(message)


class CustomerRights:
    """One viewer's rights on customers, computed once per request."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def live_grants(self) -> dict[int, AccessGrant]:
        """The viewer's live grants by customer id (one query per request)."""
        if not self.user.is_authenticated:
            return {}
        return {grant.customer_id: grant for grant in AccessGrant.objects.live().filter(grantee=self.user)}

    def _same_department(self, customer: Customer) -> bool:
        return self.user.department_id is not None and self.user.department_id == customer.department_id

    def holds_record(self, customer: Customer) -> bool:
        """The record's maker or owner, while they still may hold records of its
        department: one moved to another department, out of a working role or
        disabled holds it no more (their per-object rows end too, see
        accounts.services.user_rights_end)."""
        return (
            self.user.pk in (customer.entered_by_id, customer.owner_id)
            and self._same_department(customer)
            and may_hold_records(self.user)
        )

    def require_holds(self, customer: Customer) -> None:
        if self.user.pk in (customer.entered_by_id, customer.owner_id) and not self.holds_record(customer):
            raise PermissionDenied(_("You no longer work on this department's records."))

    def deciding(self, customer: Customer) -> bool:
        """A reviewer of the department looking at someone else's pending entry."""
        return (
            customer.status == Status.PENDING
            and customer.entered_by_id != self.user.pk
            and self._same_department(customer)
            and self.user.has_role_permission("customers.review_customer")
        )

    def sees_personal(self, customer: Customer) -> bool:
        """S2 in full: maker and owner (while they may still hold records of the
        department: a maker moved away or out of the role no longer does), the
        department's manager, a reviewer deciding the entry, and the holder of a
        live grant. Never a security officer."""
        if is_security_officer(self.user):
            return False
        if self.holds_record(customer):
            return True
        if self._same_department(customer) and self.user.has_role_permission("customers.view_personal_values"):
            return True
        return self.deciding(customer) or customer.pk in self.live_grants

    def reveal_basis(self, customer: Customer) -> tuple[RevealBasis, str] | None:
        """Why the viewer may reveal an S3 value of `customer`, as (basis, purpose),
        or None. The purpose of a grant is its written purpose; a manager or a
        deciding reviewer states one with each reveal."""
        if is_security_officer(self.user):
            return None
        grant = self.live_grants.get(customer.pk)
        if grant is not None:
            return RevealBasis.GRANT, grant.purpose
        if self.deciding(customer):
            return RevealBasis.REVIEW, str(RevealBasis.REVIEW.label)
        if self._same_department(customer) and self.user.has_role_permission("customers.reveal_customer"):
            return RevealBasis.MANAGER, ""
        return None

    def may_request_grant(self, customer: Customer) -> bool:
        return (
            self.user.has_role_permission("customers.request_grant")
            and not is_security_officer(self.user)
            and customer.pk not in self.live_grants
            and self.reveal_basis(customer) is None
        )

    def may_approve_grants_of(self, customer: Customer) -> bool:
        return self._same_department(customer) and self.user.has_role_permission("customers.approve_grant")

    def may_edit(self, customer: Customer) -> bool:
        """The maker, while the entry is a draft or returned."""
        return customer.entered_by_id == self.user.pk and customer.status in EDITABLE_BY_MAKER

    def may_request_change(self, customer: Customer) -> bool:
        """Maker or owner of an approved record, holding the right to change records."""
        return (
            customer.status == Status.APPROVED
            and self.user.has_role_permission("customers.change_customer")
            and self.holds_record(customer)
        )

    def may_tag(self, customer: Customer) -> bool:
        return self._same_department(customer) and self.user.has_role_permission("customers.tag_customer")

    def require_tag(self, customer: Customer) -> None:
        if not self.may_tag(customer):
            raise PermissionDenied(_("Only a manager of the customer's department changes its tags."))

    def may_reassign_owner(self, customer: Customer) -> bool:
        return self._same_department(customer) and self.user.has_role_permission("customers.reassign_owner")

    def may_own(self, customer: Customer, candidate: User) -> bool:
        """Whether `candidate` may become the owner of `customer`."""
        return candidate.department_id == customer.department_id and may_hold_records(candidate)


def open_for_business(customer: Customer) -> bool:
    """Transactions, orders, contracts, contacts, complaints and surveys are
    recorded only for an approved customer."""
    return customer.status == Status.APPROVED


def require_open_for_business(customer: Customer, message: str) -> None:
    """Refuse to record anything for a customer that is not approved; `message`
    names what was refused, with `%(archive_no)s` and `%(status)s`."""
    if not open_for_business(customer):
        raise ValidationError(
            message % {"archive_no": customer.archive_no, "status": customer.get_status_display()},
            code="customer_not_approved",
        )


def rights_for(request) -> CustomerRights:
    """The request's rights object, made once and kept on the request."""
    rights = getattr(request, "_customer_rights", None)
    if rights is None:
        rights = request._customer_rights = CustomerRights(request.user)
    return rights


# Duplicates and merges (issue 19) ------------------------------------------------


def may_handle_duplicates(user: User) -> bool:
    """A manager of a department: sees its possible duplicates, dismisses them,
    proposes and approves merges. Never a security officer."""
    return (
        user.is_authenticated
        and user.department_id is not None
        and not is_security_officer(user)
        and user.has_role_permission("customers.handle_duplicates")
    )


def may_handle_pair(user: User, first: Customer, second: Customer) -> bool:
    """A pair with at least one record in the user's department."""
    return may_handle_duplicates(user) and user.department_id in (first.department_id, second.department_id)


def may_merge_pair(user: User, survivor: Customer, merged: Customer) -> bool:
    """Both records of the user's department, neither destroyed nor merged."""
    gone = (Status.DESTROYED, Status.MERGED)
    return (
        may_handle_duplicates(user)
        and survivor.pk != merged.pk
        and survivor.department_id == merged.department_id == user.department_id
        and survivor.status not in gone
        and merged.status not in gone
    )
