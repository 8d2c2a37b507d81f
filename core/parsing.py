"""Reading ids from what a browser (or an attacker) sends."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # a BigAutoField's largest value


def object_id(value) -> int | None:
    """A row id from a form or query string, or None for anything else (`abc`,
    `1e99`, `-1`, `²`, an empty string, a number too large for the database)."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
