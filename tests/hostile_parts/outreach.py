"""Greetings and survey rounds (issue 20 items 3-4) in the hostile-input test."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from customers.models import Customer
from outreach import services
from outreach.models import RoundMember

ROUTES = {
    "outreach:greetings": ({}, "", ("clerk",)),
    "outreach:greeting_send": ({}, "", ("clerk",)),
    "outreach:rounds": ({}, "", ("manager",)),
    "outreach:round_open": ({}, "", ("manager",)),
    "outreach:round": ({"pk": "open_round"}, "", ("manager",)),
    "outreach:round_close": ({"pk": "open_round"}, "", ("manager",)),
    "outreach:round_approve": ({"pk": "closed_round"}, "", ("manager",)),
    "outreach:action_create": ({"pk": "closed_round"}, "", ("manager",)),
    "outreach:round_answer": ({"pk": "round_member"}, "", ("clerk",)),
    "outreach:action_done": ({"pk": "round_action"}, "", ("clerk",)),
}


def build(people, ids) -> dict[str, int]:
    manager = people["manager"]
    open_round = services.survey_round_open(
        actor=manager, fields={"title": "满意度调查", "target_rate": 50, "sample_share": None}
    )
    closed = services.survey_round_open(
        actor=manager, fields={"title": "上期", "target_rate": 50, "sample_share": None}
    )
    services.survey_round_close(actor=manager, survey_round=closed)
    action = services.corrective_action_plan(
        actor=manager,
        survey_round=closed,
        fields={
            "description": "回访",
            "owner": people["clerk"],
            "due_on": timezone.localdate() + timedelta(days=7),
        },
    )
    member = RoundMember.objects.get(round=open_round, customer=Customer.objects.get(pk=ids["approved"]))
    return {
        "open_round": open_round.pk,
        "closed_round": closed.pk,
        "round_action": action.pk,
        "round_member": member.pk,
    }
