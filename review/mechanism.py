"""Maker-checker review, once for every reviewed model (SPEC §4).

A reviewed model has `status` (draft / pending / returned / approved …), `version`
(raised by every change of its maker), `entered_by`, `entered_at`, `reviewed_by`,
`reviewed_at` — and, if its policy ever asks for a second approval,
`second_reviewed_by`, `second_reviewed_at` — and database
constraints that keep the checkers apart from the maker. It plugs in with a
`ReviewPolicy` (review.policies) saying who may decide, when a second approval is needed, and what
approval does; these functions do the rest: row lock, version check, maker ≠
checker, the decision record and the change trail, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.reasons import Reason
from review.models import EDITABLE_BY_MAKER, Decision, ReviewDecision, ReviewStatus
from review.policies import ReviewPolicy

PENDING, RETURNED, APPROVED = ReviewStatus.PENDING, ReviewStatus.RETURNED, ReviewStatus.APPROVED

__all__ = [
    "EDITABLE_BY_MAKER",
    "ReviewPolicy",
    "awaits_second_approval",
    "decisions_of",
    "latest_return",
    "maker_locked",
    "review_approve",
    "review_return",
    "review_submit",
]


def _locked(policy: ReviewPolicy, obj, *, actor, version: int):
    # Row lock: the race is two checkers deciding the same entry at once.
    locked = policy.model.objects.select_for_update().get(pk=obj.pk)
    if locked.status != PENDING:
        who = getattr(locked, "second_reviewed_by", None) or locked.reviewed_by
        raise ValidationError(
            _("Already decided by %(who)s: it is now %(status)s.")
            % {"who": who.display_name if who else "—", "status": locked.get_status_display()},
            code="decided",
        )
    if locked.version != version:
        raise ValidationError(
            _("The maker changed this entry after you opened it; open it again to see the current version."),
            code="stale",
        )
    if locked.entered_by_id == actor.pk:
        raise PermissionDenied(_("You entered this record, so someone else must review it."))
    return locked


def maker_locked(policy: ReviewPolicy, obj, *, actor, action: str):
    """The maker's own row, locked, while it is still theirs to change (draft or
    returned). `action` names what they try, for the message."""
    # Row lock: the race is the maker's edit or submit crossing another of theirs.
    locked = policy.model.objects.select_for_update().get(pk=obj.pk)
    if locked.entered_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who entered this record can %(action)s it.") % {"action": action})
    if locked.status not in EDITABLE_BY_MAKER:
        raise ValidationError(
            _("This record is %(status)s and can no longer be changed by its maker.")
            % {"status": locked.get_status_display()},
            code="locked",
        )
    return locked


@transaction.atomic
def review_submit(*, policy: ReviewPolicy, obj, actor):
    """The maker sends a draft (or a corrected, returned entry) for review."""
    obj = maker_locked(policy, obj, actor=actor, action=_("submit"))
    obj.status = PENDING
    obj.entered_at = timezone.now()
    # The checkers of a returned version do not carry over to the corrected one.
    obj.reviewed_by = obj.reviewed_at = None
    if hasattr(obj, "second_reviewed_by"):
        obj.second_reviewed_by = obj.second_reviewed_at = None
    policy.on_submitted(obj, actor=actor)
    policy.save(obj, actor=actor, reason=Reason.SUBMITTED)
    return obj


def awaits_second_approval(policy: ReviewPolicy, obj) -> bool:
    return policy.awaits_second_approval(obj)


def _record(obj, *, actor, decision: str, note: str = "", field_reasons: Mapping[str, str] | None = None) -> None:
    ReviewDecision.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        version=obj.version,
        decision=decision,
        actor=actor,
        note=note,
        field_reasons=dict(field_reasons or {}),
    )


@transaction.atomic
def review_approve(*, policy: ReviewPolicy, obj, actor, version: int):
    """Approve (or give the first of two approvals to) a pending entry."""
    obj = _locked(policy, obj, actor=actor, version=version)
    now = timezone.now()
    if awaits_second_approval(policy, obj):
        if actor.pk == obj.reviewed_by_id:
            raise PermissionDenied(_("The second approval must come from someone other than the first reviewer."))
        if not policy.may_second_approve(actor, obj):
            raise PermissionDenied(_("A second approval must come from a manager of the department."))
        obj.second_reviewed_by, obj.second_reviewed_at = actor, now
    else:
        if not policy.may_review(actor, obj):
            raise PermissionDenied(_("Only a reviewer of the department decides this entry."))
        obj.reviewed_by, obj.reviewed_at = actor, now
    if policy.needs_second_approval(obj) and obj.second_reviewed_by_id is None:
        _record(obj, actor=actor, decision=Decision.FIRST_APPROVED)
        policy.save(obj, actor=actor, reason=Reason.FIRST_APPROVED)
        return obj
    obj.status = APPROVED
    policy.on_approved(obj, actor=actor, now=now)
    _record(obj, actor=actor, decision=Decision.APPROVED)
    policy.save(obj, actor=actor, reason=Reason.APPROVED)
    return obj


@transaction.atomic
def review_return(*, policy: ReviewPolicy, obj, actor, version: int, field_reasons: Mapping[str, str], note: str = ""):
    """Send a pending entry back to its maker with what to correct."""
    reasons = {field: text.strip() for field, text in field_reasons.items() if text and text.strip()}
    note = (note or "").strip()
    if not reasons and not note:
        raise ValidationError(_("Say what the maker must correct: beside a field or in the note."), code="reason")
    obj = _locked(policy, obj, actor=actor, version=version)
    allowed = policy.may_second_approve if awaits_second_approval(policy, obj) else policy.may_review
    if not allowed(actor, obj):
        raise PermissionDenied(_("Only a reviewer of the department decides this entry."))
    obj.status = RETURNED
    obj.reviewed_by, obj.reviewed_at = actor, timezone.now()
    if hasattr(obj, "second_reviewed_by"):
        obj.second_reviewed_by = obj.second_reviewed_at = None
    _record(obj, actor=actor, decision=Decision.RETURNED, note=note, field_reasons=reasons)
    summary = note or "; ".join(reasons.values())
    policy.save(obj, actor=actor, reason=Reason.RETURNED, note=summary[:200])
    return obj


def latest_return(obj) -> ReviewDecision | None:
    """The decision that sent `obj` back, if it is currently returned."""
    if obj.status != RETURNED:
        return None
    return (
        ReviewDecision.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, decision=Decision.RETURNED
        )
        .select_related("actor")
        .first()
    )


def decisions_of(obj) -> Any:
    return ReviewDecision.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
