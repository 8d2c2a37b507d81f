"""Every write to interactions, complaints and surveys."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.reasons import Reason
from audit.tracked import tracked_save
from customers.models import Customer
from customers.rights import require_open_for_business
from interactions import rights
from interactions.models import (
    COMPLAINT_MOVES,
    Complaint,
    ComplaintStatus,
    Feedback,
    Interaction,
    InteractionKind,
    due_for,
)


def _open_customer(customer: Customer) -> None:
    require_open_for_business(
        customer, _("%(archive_no)s is %(status)s: contacts are recorded only for approved customers.")
    )


# Who may say a customer no longer wants greetings and surveys (consent withdrawn):
# apps above this one register a check at start-up (lifecycle does), so this app
# imports none of them.
_NO_MARKETING: list[Callable[[Customer], bool]] = []


def no_marketing_register(check: Callable[[Customer], bool]) -> None:
    if check not in _NO_MARKETING:
        _NO_MARKETING.append(check)


def no_marketing_checks() -> tuple[Callable[[Customer], bool], ...]:
    """The registered checks, for a list that must honour them too (campaigns)."""
    return tuple(_NO_MARKETING)


def _refuse_if_no_marketing(customer: Customer) -> None:
    if any(check(customer) for check in _NO_MARKETING):
        raise ValidationError(
            _("%(archive_no)s withdrew consent: no greetings or surveys any more.")
            % {"archive_no": customer.archive_no},
            code="consent_withdrawn",
        )


@transaction.atomic
def interaction_log(*, actor: User, customer: Customer, fields: Mapping[str, Any]) -> Interaction:
    rights.require_maker_of(actor, "interactions.add_interaction", _("You may not log contacts."), customer)
    _open_customer(customer)
    interaction = Interaction(**fields, customer=customer, department_id=customer.department_id)
    if interaction.kind in (InteractionKind.GREETING, InteractionKind.SURVEY):
        _refuse_if_no_marketing(customer)
    if interaction.handler_id is None:
        interaction.handler = actor
    rights.require_handler(interaction.handler, customer.department_id)
    tracked_save(interaction, actor=actor, reason=Reason.LOGGED)
    return interaction


@transaction.atomic
def interaction_follow_up_done(*, actor: User, interaction: Interaction) -> Interaction:
    # Row lock: the race is two people marking the same follow-up done.
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    rights.require(
        rights.may_close_follow_up(actor, interaction),
        _("Only the contact's handler or a manager of its department marks the follow-up done."),
    )
    if interaction.follow_up_at is None:
        raise ValidationError(_("This contact has no follow-up."))
    if interaction.followed_up_at is not None:
        raise ValidationError(_("This follow-up was already done."))
    interaction.followed_up_at = timezone.now()
    tracked_save(interaction, actor=actor, reason=Reason.FOLLOWED_UP)
    return interaction


@transaction.atomic
def complaint_receive(*, actor: User, customer: Customer, fields: Mapping[str, Any]) -> Complaint:
    """A new complaint, due by its severity's deadline."""
    rights.require_maker_of(actor, "interactions.add_complaint", _("You may not record complaints."), customer)
    _open_customer(customer)
    complaint = Complaint(**fields, customer=customer, department_id=customer.department_id, created_by=actor)
    if complaint.handler_id is None:
        complaint.handler = actor
    rights.require_handler(complaint.handler, customer.department_id)
    if complaint.received_at and complaint.severity:
        complaint.due_at = due_for(complaint.severity, complaint.received_at)
    tracked_save(complaint, actor=actor, reason=Reason.RECEIVED)
    return complaint


@transaction.atomic
def complaint_move(
    *,
    actor: User,
    complaint: Complaint,
    to: str,
    resolution: str = "",
    satisfaction: int | None = None,
    reason: str = "",
) -> Complaint:
    """Move a complaint along SPEC §3's arrows. Resolving needs the resolution,
    closing the customer's satisfaction (1–5), reopening a reason."""
    # Row lock: the race is two handlers moving one complaint at once.
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    rights.require(
        rights.may_move_complaint(actor, complaint),
        _("Only the complaint's handler or a manager of its department works on it."),
    )
    if to not in COMPLAINT_MOVES[complaint.status]:
        allowed = "、".join(str(ComplaintStatus(s).label) for s in COMPLAINT_MOVES[complaint.status])
        target = ComplaintStatus(to).label if to in ComplaintStatus.values else to
        raise ValidationError(
            _("Complaint %(number)s is %(status)s and cannot become %(target)s; it can become: %(next)s.")
            % {"number": complaint.number, "status": complaint.get_status_display(), "target": target, "next": allowed},
            code="illegal_move",
        )
    now = timezone.now()
    before = complaint.status
    errors = {}
    note = ""
    if to == ComplaintStatus.RESOLVED:
        resolution = (resolution or "").strip()
        if not resolution:
            errors["resolution"] = _("Say how the complaint was resolved.")
        complaint.resolution, complaint.resolved_at = resolution, now
    elif to == ComplaintStatus.CLOSED:
        if satisfaction not in (1, 2, 3, 4, 5):
            errors["satisfaction"] = _(
                "Record the customer's satisfaction, 1 (very dissatisfied) to 5 (very satisfied)."
            )
        complaint.satisfaction = satisfaction
    elif to == ComplaintStatus.OPEN:  # reopened
        note = (reason or "").strip()
        if not note:
            errors["reason"] = _("Say why the complaint is reopened.")
        complaint.resolved_at = None
        complaint.satisfaction = None
        complaint.due_at = due_for(complaint.severity, now)
    if errors:
        raise ValidationError(errors)
    complaint.status = to
    tracked_save(complaint, actor=actor, reason=Reason.MOVED, note=note, data={"old": before, "new": to})
    return complaint


@transaction.atomic
def complaint_assign(*, actor: User, complaint: Complaint, handler: User) -> Complaint:
    """A manager of the complaint's department hands it to another clerk or manager of it."""
    # Row lock: the race is two managers reassigning the same complaint.
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    rights.require(
        rights.may_assign_complaint(actor, complaint),
        _("Only a manager of the complaint's department hands it to another handler."),
    )
    rights.require_handler(handler, complaint.department_id)
    complaint.handler = handler
    tracked_save(complaint, actor=actor, reason=Reason.ASSIGNED, data={"name": handler.display_name})
    return complaint


@transaction.atomic
def feedback_record(*, actor: User, customer: Customer, fields: Mapping[str, Any]) -> Feedback:
    rights.require_maker_of(actor, "interactions.add_feedback", _("You may not record surveys."), customer)
    _open_customer(customer)
    _refuse_if_no_marketing(customer)
    feedback = Feedback(**fields, customer=customer, department_id=customer.department_id, recorded_by=actor)
    tracked_save(feedback, actor=actor, reason=Reason.RECORDED)
    return feedback
