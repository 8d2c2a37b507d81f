"""The managers' pages for API tokens (/systems/): list, create (the secret is
shown once, on the answer to the POST, never in an address), revoke."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import rights, selectors, services
from api.forms import TokenForm
from core.feedback import button_service, form_error


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    if not rights.may_manage_tokens(request.user):
        raise PermissionDenied(_("Only a manager of a department manages API tokens."))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                actor=request.user,
                system_name=form.cleaned_data["system_name"],
                role=form.cleaned_data["role"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            response = render(request, "api/token_created.html", {"token": token, "secret": secret})
            add_never_cache_headers(response)  # the secret is on this page only
            return response
    tokens = selectors.tokens_of_department(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = rights.token_for(request.user, pk)
    button_service(
        request,
        lambda: services.token_revoke(actor=request.user, token=token),
        done=_("Token %(prefix)s revoked: its next call is refused.") % {"prefix": token.prefix},
    )
    return redirect("api_pages:tokens")
