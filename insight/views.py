"""The manager's overview of the department's value and completeness, and the
button that refreshes the snapshot now (in the background worker). Thin: the
rights module decides, the selectors read, the task service queues."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from insight import rights, selectors
from insight.tasks import refresh_request


@login_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    if not rights.may_view_overview(request.user):
        raise PermissionDenied
    context = selectors.overview(user=request.user)
    context["may_refresh"] = rights.may_refresh(request.user)
    return render(request, "insight/overview.html", context)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    if not rights.may_refresh(request.user):
        raise PermissionDenied
    if refresh_request(actor=request.user):
        messages.success(request, _("The refresh is queued: the new figures appear when it has finished."))
    else:
        messages.info(request, _("A refresh is already queued or running."))
    return redirect("insight:overview")
