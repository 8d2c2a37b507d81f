from django.http import HttpRequest


def layout(request: HttpRequest) -> dict:
    """What the layout bar shows on every page: who is logged in and in which roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"layout_roles": user.role_labels}
