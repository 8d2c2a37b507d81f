"""Survey rounds (issue 20 item 4) on each side: one open (its members include
the approved customer), one closed with a corrective action owned by the clerk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from outreach import services
from outreach.models import RoundMember


def build(side, n: int) -> dict[str, Any]:
    def open_round(title: str):
        fields = {"title": title, "target_rate": 50, "sample_share": None}
        return services.survey_round_open(actor=side.manager, fields=fields)

    open_one = open_round(f"满意度调查{n}")
    closed = open_round(f"上期调查{n}")
    services.survey_round_close(actor=side.manager, survey_round=closed)
    action = services.corrective_action_plan(
        actor=side.manager,
        survey_round=closed,
        fields={
            "description": "回访未答复客户",
            "owner": side.clerk,
            "due_on": timezone.localdate() + timedelta(days=7),
        },
    )
    return {
        "open_round": open_one,
        "closed_round": closed,
        "round_action": action,
        "round_member": RoundMember.objects.get(round=open_one, customer=side.customer),
    }
