"""Who may see, decide and withdraw a change request of an approved customer,
decided in one place. Asking for a change is a right on the customer
(`CustomerRights.may_request_change`); deciding one is the review queue's."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from customers import selectors
from customers.models import ChangeRequest, ChangeStatus


def change_for(user: User, pk: int) -> ChangeRequest:
    """A change request `user` may see, or a 404 (out of scope and missing alike)."""
    change = selectors.changes_visible_to(user).filter(pk=pk).first()
    if change is None:
        raise Http404
    return change


def deciding(user: User, change: ChangeRequest) -> bool:
    """The change waits for this user's decision (first or second approval)."""
    return selectors.change_queue(user=user).filter(pk=change.pk).exists()


def may_withdraw(user: User, change: ChangeRequest) -> bool:
    """Only the person who asked, while it waits."""
    return change.status == ChangeStatus.PENDING and change.entered_by_id == user.pk
