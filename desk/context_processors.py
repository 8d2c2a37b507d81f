"""What the layout shows on every page. The desk's, as it asks several apps: the
badges count rows of customers, interactions and transactions, and the menu
shows what each app's rights module allows."""

from django.http import HttpRequest

from accounts.rights import may_use_admin
from audit.rights import reads_audit
from bulk.rights import may_export, may_import
from customers.rights import may_handle_duplicates, reviews_entries
from customers.selectors import review_waiting_count
from interactions.selectors import complaint_queue
from lifecycle import rights as lifecycle_rights
from watch.rights import watches

# Badges count at most this many rows; the layout shows "99+" beyond.
BADGE_CAP = 99


def layout(request: HttpRequest) -> dict:
    """What the layout bar shows on every page: who is logged in, in which roles,
    and — for those who decide entries — how many wait for them. Each badge is a
    bounded count (`… LIMIT 100`) on an index, so a page costs the same whatever
    the size of the tables."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"layout_roles": user.role_labels, "nav": navigation(user)}
    context["overdue_count"] = badge(complaint_queue(user=user, overdue_only=True).order_by())
    if reviews_entries(user):
        context["review_count"] = badge(review_waiting_count(user=user, cap=BADGE_CAP + 1))
    return context


def badge(rows) -> str | int:
    """A count for a badge: the number up to 99, "99+" beyond (rows is a queryset
    or an already bounded number)."""
    count = rows if isinstance(rows, int) else rows[: BADGE_CAP + 1].count()
    return f"{BADGE_CAP}+" if count > BADGE_CAP else count


def navigation(user) -> dict[str, bool]:
    """The menu's and the list pages' buttons, as each app's rights module decides."""
    return {
        "may_import": may_import(user),
        "may_export": may_export(user),
        "reads_audit": reads_audit(user),
        "watches": watches(user),
        "may_use_admin": may_use_admin(user),
        "handles_duplicates": may_handle_duplicates(user),
        "reverifies": lifecycle_rights.may_use_reverify_queue(user),
        "checks_samples": lifecycle_rights.checks_samples(user),
        "handles_subject_requests": lifecycle_rights.handles_subject_requests(user),
        "sees_retention": lifecycle_rights.sees_lifecycle(user),
    }
