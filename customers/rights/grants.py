"""Who may ask for, decide and revoke access grants (SPEC §2 "grant"), decided in
one place: the grants page asks these, and `grant_for` finds the grant a
decision is about or answers 404."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from customers import selectors
from customers.models import AccessGrant

DECISIONS = ("approve", "refuse", "revoke")


def may_decide_grants(user: User) -> bool:
    """A manager's role: decides the department's requests (a role right, no superuser shortcut)."""
    return user.has_role_permission("customers.approve_grant")


def grant_for(user: User, pk: int, *, decision: str) -> AccessGrant:
    """The grant `decision` may act on: one's own or a live one of the
    department for a revocation, a request waiting for this user otherwise.
    A grant out of reach and an unknown decision are a 404 alike."""
    if decision not in DECISIONS:
        raise Http404
    if decision == "revoke":
        scope = selectors.grants_of(user=user) | selectors.live_grants_of_department(user=user)
    else:
        scope = selectors.grants_to_decide(user=user)
    grant = scope.filter(pk=pk).first()
    if grant is None:
        raise Http404
    return grant
