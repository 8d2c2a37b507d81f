from django.http import HttpRequest


def layout(request: HttpRequest) -> dict:
    """What the layout bar shows on every page: who is logged in, in which roles,
    and — for those who decide entries — how many wait for them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {"layout_roles": user.role_labels}
    from interactions.selectors import complaint_queue

    context["overdue_count"] = complaint_queue(user=user, overdue_only=True).count()
    if user.has_role_permission("customers.review_customer") or user.has_role_permission(
        "customers.second_approve_customer"
    ):
        from customers.selectors import review_waiting_count

        context["review_count"] = review_waiting_count(user=user)
    return context
