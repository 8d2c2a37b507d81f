"""Campaigns (issue 20 item 6) and scorecards (item 5): the saved-filter form, the
lists, their exports and the scorecards' month filter take hostile values."""

from __future__ import annotations

from campaigns.services import saved_filter_create

ROUTES = {
    "campaigns:index": ({}, "", ("manager", "clerk")),
    "campaigns:list": ({"pk": "campaign_filter"}, "", ("manager",)),
    "campaigns:export": ({"pk": "campaign_filter", "file_format": "csv"}, "", ("manager",)),
    "campaigns:delete": ({"pk": "campaign_filter"}, "", ("manager",)),
    "reports:scorecards": ({}, "?month=2026-09", ("manager",)),
    "reports:scorecard_mine": ({}, "", ("clerk",)),
    "reports:scorecard": ({"pk": "scored_clerk"}, "?month=2026-09", ("manager", "clerk")),
}


def build(people, ids) -> dict[str, int]:
    saved = saved_filter_create(actor=people["manager"], fields={"name": "回访名单", "tier": "general"})
    return {"campaign_filter": saved.pk, "scored_clerk": people["clerk"].pk}
