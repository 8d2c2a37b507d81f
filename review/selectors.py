"""Reads of review that depend on who asks, across every registered model."""

from __future__ import annotations

from review.policies import registered


def waiting_count(*, user, cap: int | None = None) -> int:
    """Rows of every reviewed model waiting for the user's decision; with `cap`,
    each model is counted up to `cap` rows only (a bounded count for a badge)."""
    queues = [policy.queue(user=user) for policy in registered()]
    if cap is None:
        return sum(queue.count() for queue in queues)
    return sum(queue.order_by()[:cap].count() for queue in queues)
