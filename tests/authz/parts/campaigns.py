"""Campaigns (issue 20 item 6): each side's clerk keeps a saved filter."""

from __future__ import annotations

from typing import Any

from campaigns.services import saved_filter_create


def build(side, n: int) -> dict[str, Any]:
    return {"campaign_filter": saved_filter_create(actor=side.clerk, fields={"name": f"名单{n}", "tier": "general"})}
