"""Greetings and the satisfaction programme (issue 20 items 3-4).

Greetings are the owner's: the list shows each persona their own customers'
(none, for a persona who owns none), and a greeting for someone else's customer
is a 404. Survey rounds are seen by those who work on the department's records
(its clerks and managers, never its reviewer or security officer); the managers
open and close them and plan corrective actions; answers are recorded by a clerk
who sees the customer. Nobody in this world approves a round: approval needs a
manager of a department above, and the world's two departments are side by side.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.authz.matrix import (
    CLERK,
    DONE,
    MANAGER,
    OTHER_CLERK,
    OTHER_MANAGER,
    REFUSED,
    Case,
    everyone,
    feedback_form,
    only,
    post_only,
)

MANAGERS = (MANAGER, OTHER_MANAGER)
ROUND_MEMBERS = (CLERK, OTHER_CLERK, MANAGER, OTHER_MANAGER)  # they hold the department's records


def _round(name: str):
    return lambda s: {"pk": s.extra[name].pk}


def _greeting(world, side) -> dict:
    # A day already past: never due, so even the owner is refused and nothing is logged.
    yesterday = timezone.localdate() - timedelta(days=1)
    return {"customer": side.customer.pk, "occasion": "birthday", "on": yesterday.isoformat(), "channel": "sms"}


def _round_form(world, side) -> dict:
    return {"title": "新一轮满意度调查", "target_rate": "60", "sample_share": ""}


def _action_form(world, side) -> dict:
    due = timezone.localdate() + timedelta(days=10)
    return {"description": "话术培训", "owner": side.clerk.pk, "due_on": due.isoformat()}


CASES = [
    Case("outreach:greetings", get=everyone(200), post=405),
    post_only("outreach:greeting_send", post=only((CLERK,), REFUSED, 404), data=_greeting),
    Case("outreach:rounds", get=everyone(200), post=405),
    Case("outreach:round_open", get=only(MANAGERS, 200, 403), post=only(MANAGERS, DONE, 403), data=_round_form),
    Case("outreach:round", target=_round("open_round"), get=only(ROUND_MEMBERS, 200, 404), post=405),
    post_only(
        "outreach:round_close",
        target=_round("open_round"),
        post=only(MANAGERS, DONE, 404, clerk=REFUSED, other_clerk=REFUSED),
    ),
    post_only("outreach:round_approve", target=_round("closed_round"), post=only(ROUND_MEMBERS, REFUSED, 404)),
    Case(
        "outreach:action_create",
        target=_round("closed_round"),
        get=only(MANAGERS, 200, 404, clerk=403, other_clerk=403),
        post=only(MANAGERS, DONE, 404, clerk=403, other_clerk=403),
        data=_action_form,
    ),
    # The member is the approved customer: its clerk sees it and records the answer;
    # a manager sees it but records no surveys; the other clerk does not see it.
    Case(
        "outreach:round_answer",
        target=_round("round_member"),
        get=only((CLERK, MANAGER, OTHER_MANAGER), 200, 404),
        post=only((CLERK,), DONE, 404, manager=REFUSED, other_department_manager=REFUSED),
        data=feedback_form,
    ),
    post_only(
        "outreach:action_done",
        target=_round("round_action"),
        post=only((CLERK, MANAGER, OTHER_MANAGER), DONE, 404, other_clerk=REFUSED),
    ),
]
