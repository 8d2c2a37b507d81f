"""`{{ version|trail_reason }}`: why a tracked record changed, in the reader's
language (the version stores a reason code, audit/reasons.py)."""

from django import template

from audit.reasons import reason_text

register = template.Library()


@register.filter
def trail_reason(version) -> str:
    """The reason of one version of a tracked record (a simple-history row)."""
    return reason_text(getattr(version, "history_change_reason", ""), model=type(version))
