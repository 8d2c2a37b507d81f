"""How views hand a service's refusal back to the user: beside the form field it
concerns, or as a message on the next page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def form_error(form, exc: ValidationError) -> None:
    """Put each error beside its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_service(
    request: HttpRequest,
    form,
    call: Callable[[], Any],
    *,
    success: Callable[[Any], tuple[str, str]],
    refused_to,
) -> HttpResponse | None:
    """A form page's POST: when the form is valid, run the service (`call`). Its
    ValidationError goes beside the form's fields and None is returned (show the
    form again); a PermissionDenied is told as a message and answered with a
    redirect to `refused_to` (a URL or an object with `get_absolute_url`); success
    is `success(result)` → (message, URL): told, and redirected to.

        return form_service(request, form, lambda: ..., success=..., refused_to=customer) or render(...)
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call()
    except ValidationError as exc:
        form_error(form, exc)
        return None
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(refused_to)
    message, url = success(result)
    messages.success(request, message)
    return redirect(url)


def error_messages(request: HttpRequest, exc: Exception) -> None:
    """Every message of a ValidationError or PermissionDenied, as page messages."""
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def button_service(request: HttpRequest, call: Callable[[], Any], *, done: str) -> bool:
    """A button's POST (no form to show again): run the service (`call`); its
    refusal (ValidationError or PermissionDenied) is told as page messages, success
    as the message `done`. True when the service went through.

        button_service(request, lambda: services.x_close(actor=request.user, x=x), done=_("Closed."))
        return redirect(...)
    """
    try:
        call()
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
        return False
    messages.success(request, done)
    return True


def back_home_or(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """The redirect after a button that "my work" (the home page) also shows: back
    home when the button said `next=home`, else to `redirect(*args, **kwargs)`."""
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect(*args, **kwargs)


def said_already_submitted(request: HttpRequest, obj, *, label: str) -> bool:
    """After a refused "confirm and submit": if the record now waits for review
    as the user's own entry, the refusal was a second click (or a second tab)
    whose first one went through. Say so, instead of "correct the record"."""
    from django.utils.translation import gettext as _

    now = type(obj).objects.filter(pk=obj.pk).values_list("status", "entered_by_id").first()
    if now != ("pending", request.user.pk):
        return False
    messages.info(
        request,
        _("%(label)s was already submitted and waits for review; the second click changed nothing.") % {"label": label},
    )
    return True
