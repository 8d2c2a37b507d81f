"""The insight pages in the hostile-input test. The customer list's new `show`
and `sort` parameters are read by its view, so the list's own entry already
sends them hostile values; a current snapshot makes the filters join real rows."""

from __future__ import annotations

from insight.refresh import snapshot_refresh

ROUTES = {
    "insight:overview": ({}, "", ("manager",)),
    "insight:refresh": ({}, "", ("manager",)),
}


def build(people, ids) -> dict[str, int]:
    return {"snapshot": snapshot_refresh().pk}
