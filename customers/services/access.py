"""Access grants and reveals of S3 values (SPEC §2). Every decision and every
reveal writes its access-log entry in the same transaction."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AccessLog
from audit.reasons import Reason
from audit.services import access_log_record
from audit.tracked import tracked_save
from customers import selectors
from customers.models import MAX_GRANT_HOURS, AccessGrant, Customer, GrantStatus
from customers.rights import CustomerRights, is_security_officer
from vault.masking import ALWAYS_MASKED, RevealBasis

# What a reveal may show: the always-masked fields, one at a time.
REVEALABLE = ALWAYS_MASKED


@transaction.atomic
def grant_request(
    *, actor: User, customer: Customer, purpose: str, hours: int = 24, request: HttpRequest | None = None
) -> AccessGrant:
    """A clerk or reviewer asks to reveal one customer's ID and bank numbers."""
    if not selectors.customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You cannot ask for rights on a customer you cannot see."))
    rights = CustomerRights(actor)
    if not rights.may_request_grant(customer):
        raise PermissionDenied(_("You already may reveal this customer's numbers, or your role cannot ask."))
    if AccessGrant.objects.filter(customer=customer, grantee=actor, status=GrantStatus.REQUESTED).exists():
        raise ValidationError(_("You already asked for this customer; wait for the manager's decision."))
    grant = AccessGrant(customer=customer, grantee=actor, purpose=(purpose or "").strip(), hours=hours)
    if not grant.purpose:
        raise ValidationError({"purpose": _("Say why you need the full numbers.")})
    tracked_save(grant, actor=actor, reason=Reason.REQUESTED)
    access_log_record(
        action=AccessLog.Action.GRANT_REQUESTED,
        actor=actor,
        request=request,
        customer=customer,
        purpose=grant.purpose,
        detail={"grant": grant.pk, "hours": grant.hours},
    )
    return grant


def _may_hold_grant(grant: AccessGrant) -> bool:
    """A grant is approved only for an active member of the customer's department
    who is not a security officer (whose rights end when that changes)."""
    grantee = grant.grantee
    return (
        grantee.is_active and grantee.department_id == grant.customer.department_id and not is_security_officer(grantee)
    )


def _locked_grant(grant: AccessGrant) -> AccessGrant:
    # Row lock: the race is two managers deciding (or revoking) the same grant.
    return AccessGrant.objects.select_for_update().select_related("customer", "grantee").get(pk=grant.pk)


def _decide(grant: AccessGrant, *, actor: User, approve: bool, note: str, request) -> AccessGrant:
    grant = _locked_grant(grant)
    if grant.grantee_id == actor.pk:
        raise PermissionDenied(_("Nobody decides their own request."))
    if not CustomerRights(actor).may_approve_grants_of(grant.customer):
        raise PermissionDenied(_("Only a manager of the customer's department decides this request."))
    if grant.status != GrantStatus.REQUESTED:
        raise ValidationError(
            _("This request was already decided: it is %(status)s.") % {"status": grant.get_status_display()}
        )
    if approve and not _may_hold_grant(grant):
        raise ValidationError(_("The requester no longer works on this department's records; refuse the request."))
    now = timezone.now()
    grant.status = GrantStatus.APPROVED if approve else GrantStatus.REFUSED
    grant.decided_by, grant.decided_at, grant.decision_note = actor, now, (note or "").strip()[:200]
    if approve:
        grant.expires_at = now + timedelta(hours=grant.hours)
    tracked_save(grant, actor=actor, reason=Reason.APPROVED if approve else Reason.REFUSED)
    access_log_record(
        action=AccessLog.Action.GRANT_APPROVED if approve else AccessLog.Action.GRANT_REFUSED,
        actor=actor,
        request=request,
        customer=grant.customer,
        purpose=grant.purpose,
        detail={"grant": grant.pk, "grantee": grant.grantee.username, "hours": grant.hours},
    )
    return grant


@transaction.atomic
def grant_approve(*, actor: User, grant: AccessGrant, note: str = "", request=None) -> AccessGrant:
    """A manager of the customer's department approves; the grant runs for its hours."""
    return _decide(grant, actor=actor, approve=True, note=note, request=request)


@transaction.atomic
def grant_refuse(*, actor: User, grant: AccessGrant, note: str = "", request=None) -> AccessGrant:
    return _decide(grant, actor=actor, approve=False, note=note, request=request)


@transaction.atomic
def grant_revoke(*, actor: User, grant: AccessGrant, request=None) -> AccessGrant:
    """End a live grant early: its holder may, and so may a manager of the department."""
    grant = _locked_grant(grant)
    if grant.grantee_id != actor.pk and not CustomerRights(actor).may_approve_grants_of(grant.customer):
        raise PermissionDenied(_("Only the holder or a manager of the department revokes this grant."))
    if not grant.is_live:
        raise ValidationError(_("This grant is not in force."))
    grant.status, grant.revoked_by, grant.revoked_at = GrantStatus.REVOKED, actor, timezone.now()
    tracked_save(grant, actor=actor, reason=Reason.REVOKED)
    access_log_record(
        action=AccessLog.Action.GRANT_REVOKED,
        actor=actor,
        request=request,
        customer=grant.customer,
        detail={"grant": grant.pk, "grantee": grant.grantee.username},
    )
    return grant


class RevealRefused(PermissionDenied):
    """No live grant and no other right: refused, and the refusal is logged."""


def customer_reveal(
    *, actor: User, customer: Customer, field: str, purpose: str = "", request=None, grant_only: bool = False
) -> str:
    """The full value of one S3 field, once, with its access-log entry written in
    the same transaction. A refusal is logged too (in its own transaction).
    `grant_only`: a live grant is the only basis (the API: a system never reviews
    or manages)."""
    if field not in REVEALABLE:
        raise ValidationError(_("Only ID and bank numbers are revealed."))
    basis = CustomerRights(actor).reveal_basis(customer)
    if grant_only and basis is not None and basis[0] != RevealBasis.GRANT:
        basis = None
    stated = (purpose or "").strip()
    if basis is None or (basis[0] == RevealBasis.MANAGER and not stated):
        access_log_record(
            action=AccessLog.Action.REVEAL_REFUSED,
            actor=actor,
            request=request,
            customer=customer,
            field=field,
            purpose=stated,
            detail={"reason": "no right" if basis is None else "no purpose"},
        )
        if basis is None:
            raise RevealRefused(_("You have no live grant for this customer. Ask a manager for one."))
        raise RevealRefused(_("Say why you need the full number: the purpose goes into the access log."))
    kind, default_purpose = basis
    # A reviewer's purpose goes unsaid: the log keeps the basis (a code) and shows
    # its label in the reader's language, not a sentence in the reviewer's.
    logged_purpose = stated or ("" if kind == RevealBasis.REVIEW else default_purpose)
    with transaction.atomic():
        value = getattr(Customer.objects.select_related("data_key").get(pk=customer.pk), field)
        access_log_record(
            action=AccessLog.Action.REVEAL,
            actor=actor,
            request=request,
            customer=customer,
            field=field,
            purpose=logged_purpose,
            detail={"basis": str(kind)},
        )
    return value


__all__ = [
    "MAX_GRANT_HOURS",
    "REVEALABLE",
    "RevealRefused",
    "customer_reveal",
    "grant_approve",
    "grant_refuse",
    "grant_request",
    "grant_revoke",
]


def grants_end_for_user(user: User, *, actor: User | None, reasons: list[str], now) -> int:
    """Revoke `user`'s live grants and withdraw their open requests (their role,
    department or account changed: `accounts.services.user_rights_end`)."""
    # Row lock: the race is a manager approving a request while the grantee's role changes.
    grants = list(
        AccessGrant.objects.select_for_update()
        .filter(grantee=user)
        .filter(Q(status=GrantStatus.REQUESTED) | Q(status=GrantStatus.APPROVED, expires_at__gt=now))
        .order_by("pk")
    )
    for grant in grants:
        grant.status, grant.revoked_at = GrantStatus.REVOKED, now
        grant.revoked_by = actor if actor is not None and actor.pk != user.pk else None
        tracked_save(
            grant,
            actor=actor,
            reason=Reason.RIGHTS_ENDED,
            data={"why": reasons},
            update_fields=["status", "revoked_at", "revoked_by"],
        )
    return len(grants)
