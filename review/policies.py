"""Review policies: what differs between reviewed models, and the registry they
plug into (`review` never imports the apps that register here).

Everything the models share is written once on `ReviewPolicy`: who is a
deciding reviewer (a reviewer of the record's department, with the policy's
permission, deciding a pending record they did not enter), who may give a
second approval (a manager of the department who is neither the maker nor the
first reviewer), and the queue of rows waiting for one user's decision. A
policy states only its permissions, where its department is, whether a second
approval is needed and what approving does (see `review/models.py` for the
steps that add review to a new model)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from audit.reasons import Reason
from audit.tracked import tracked_save
from review.models import ReviewStatus


class ReviewPolicy:
    """What differs between reviewed models. Subclass per model and `register()`."""

    model: type[models.Model]
    # The role right (`app_label.codename`) of the department's reviewers.
    review_permission: str
    # The role right of those who give a second approval; empty: never needed.
    second_approval_permission: str = ""
    # The lookup from the model to the department that decides its rows.
    department_path: str = "department"
    # What the queue loads with each row (select_related).
    queue_related: tuple[str, ...] = ("entered_by",)
    # The queue's section for this model: its heading and the template of its rows.
    queue_title: Any = ""
    queue_template: str = ""

    # -- what differs: override these ------------------------------------------------

    def needs_second_approval(self, obj) -> bool:
        return False

    def second_approval_filter(self) -> Q:
        """The pending rows that may wait for a second approval, as a filter (the
        queue's counterpart of `needs_second_approval`)."""
        return Q()

    def on_submitted(self, obj, *, actor) -> None:
        """Called inside the transaction, before the submitted object is saved."""

    def on_approved(self, obj, *, actor, now) -> None:
        """Called inside the transaction, before the approved object is saved."""

    def save(self, obj, *, actor, reason: Reason, note: str = "") -> None:
        """Save a decision or a submission through the one trail helper."""
        tracked_save(obj, actor=actor, reason=reason, note=note)

    def queue_rows(self, rows: list, *, user) -> list:
        """The queue's rows as its template shows them (a policy may add what the
        row summary needs: findings, duplicates, how long it has waited)."""
        return rows

    # -- the same for every model -----------------------------------------------------

    def department_id(self, obj) -> int | None:
        *path, last = self.department_path.split("__")
        for step in path:
            obj = getattr(obj, step)
        return getattr(obj, f"{last}_id")

    def _of_department(self, actor, obj) -> bool:
        return actor.department_id is not None and actor.department_id == self.department_id(obj)

    def may_review(self, actor, obj) -> bool:
        """Whether `actor` is a deciding reviewer of `obj`: a reviewer of its
        department looking at someone else's pending record."""
        return (
            obj.status == ReviewStatus.PENDING
            and obj.entered_by_id != actor.pk
            and self._of_department(actor, obj)
            and actor.has_role_permission(self.review_permission)
        )

    def may_second_approve(self, actor, obj) -> bool:
        """A manager of the department who is neither the maker nor the first reviewer."""
        return (
            bool(self.second_approval_permission)
            and self._of_department(actor, obj)
            and actor.pk not in (obj.entered_by_id, obj.reviewed_by_id)
            and actor.has_role_permission(self.second_approval_permission)
        )

    def awaits_second_approval(self, obj) -> bool:
        return obj.status == ReviewStatus.PENDING and obj.reviewed_by_id is not None and self.needs_second_approval(obj)

    def queue(self, *, user) -> QuerySet:
        """The rows waiting for `user`'s decision, oldest first: first approvals for
        the department's reviewers, second approvals for its managers; never the
        user's own entries."""
        first = user.has_role_permission(self.review_permission)
        second = bool(self.second_approval_permission) and user.has_role_permission(self.second_approval_permission)
        if user.department_id is None or not (first or second):
            return self.model.objects.none()
        queue = self.model.objects.filter(
            **{f"{self.department_path}_id": user.department_id}, status=ReviewStatus.PENDING
        )
        if self.second_approval_permission:
            waiting = Q(pk__in=[])
            if first:
                waiting |= Q(reviewed_by__isnull=True)
            if second:
                waiting |= (
                    self.second_approval_filter()
                    & Q(reviewed_by__isnull=False, second_reviewed_by__isnull=True)
                    & ~Q(reviewed_by=user)
                )
            queue = queue.filter(waiting)
        return queue.exclude(entered_by=user).select_related(*self.queue_related).order_by("entered_at", "id")


_registry: dict[type[models.Model], ReviewPolicy] = {}


def register(policy: ReviewPolicy) -> ReviewPolicy:
    """Plug a model into review (from its app's policy module or `AppConfig.ready()`);
    registering the same model again replaces its policy."""
    _registry[policy.model] = policy
    return policy


def policy_for(obj_or_model) -> ReviewPolicy:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    model = model._meta.concrete_model
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered with review") from None


def registered() -> list[ReviewPolicy]:
    """Every registered policy, in the order the apps registered them."""
    return list(_registry.values())
