"""Who may do what with greetings, survey rounds and corrective actions, decided
in one place. Views ask these to show a button or answer 404; services ask again.

A manager of *higher scope* — who approves a round's analysis — is a manager
whose department is above the round's department (`Department.parent`, any
number of levels up): a head-office manager is above every department under it.
A manager of the same department, or of a department beside it, never is; nor is
the round's opener."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Department, User
from core.visibility import visible_or_404
from customers.models import Customer
from customers.rights import may_hold_records
from outreach.models import CorrectiveAction, RoundStatus, SurveyRound

# Departments nest a few levels at most; the cap also ends a loop someone typed
# into the admin (A above B above A).
MAX_DEPTH = 10


def ancestors_of(department_id: int | None) -> list[int]:
    """The departments above `department_id`, nearest first (one query a level)."""
    found: list[int] = []
    current = department_id
    for _level in range(MAX_DEPTH):
        parent = Department.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        if parent is None or parent in found or parent == department_id:
            break
        found.append(parent)
        current = parent
    return found


def descendants_of(department_id: int | None) -> list[int]:
    """The departments below `department_id` (one query a level)."""
    found: list[int] = []
    level = [department_id] if department_id is not None else []
    for _level in range(MAX_DEPTH):
        level = [
            pk
            for pk in Department.objects.filter(parent_id__in=level).values_list("pk", flat=True)
            if pk not in found and pk != department_id
        ]
        if not level:
            break
        found.extend(level)
    return found


def _manager(user: User, permission: str) -> bool:
    return user.is_authenticated and may_hold_records(user) and user.has_role_permission(permission)


def may_open_round(user: User) -> bool:
    return _manager(user, "outreach.open_round")


def may_close_round(user: User, survey_round: SurveyRound) -> bool:
    return (
        survey_round.status == RoundStatus.OPEN
        and may_open_round(user)
        and user.department_id == survey_round.department_id
    )


def is_higher_scope(user: User, department_id: int) -> bool:
    return user.department_id is not None and user.department_id in ancestors_of(department_id)


def may_approve_round(user: User, survey_round: SurveyRound) -> bool:
    return (
        survey_round.status == RoundStatus.CLOSED
        and survey_round.opened_by_id != user.pk
        and _manager(user, "outreach.approve_round")
        and is_higher_scope(user, survey_round.department_id)
    )


def may_plan_actions(user: User, survey_round: SurveyRound) -> bool:
    """The department's managers plan corrective actions once the round is closed."""
    return (
        survey_round.status != RoundStatus.OPEN
        and may_open_round(user)
        and user.department_id == survey_round.department_id
    )


def may_answer(user: User, survey_round: SurveyRound) -> bool:
    return (
        survey_round.status == RoundStatus.OPEN
        and may_hold_records(user)
        and user.department_id == survey_round.department_id
        and user.has_role_permission("interactions.add_feedback")
    )


def may_finish_action(user: User, action: CorrectiveAction) -> bool:
    if action.done_at is not None or not may_hold_records(user):
        return False
    return action.owner_id == user.pk or (may_open_round(user) and user.department_id == action.round.department_id)


def may_greet(user: User, customer: Customer) -> bool:
    """Greetings are the owner's: they appear on the owner's list only."""
    return customer.owner_id == user.pk and may_hold_records(user)


def rounds_visible_to(user: User) -> QuerySet[SurveyRound]:
    """The rounds of the user's department and of the departments below it, for
    anyone who works on records there (never a security officer)."""
    if not user.is_authenticated or not may_hold_records(user):
        return SurveyRound.objects.none()
    departments = [user.department_id]
    if user.has_role_permission("outreach.approve_round"):
        departments += descendants_of(user.department_id)
    return SurveyRound.objects.filter(department_id__in=departments)


def round_for(user: User, pk) -> SurveyRound:
    return visible_or_404(rounds_visible_to(user).select_related("opened_by", "approved_by", "department"), pk)


def action_for(user: User, pk) -> CorrectiveAction:
    rounds = rounds_visible_to(user).values("pk")
    return visible_or_404(CorrectiveAction.objects.filter(round__in=rounds).select_related("round", "owner"), pk)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
