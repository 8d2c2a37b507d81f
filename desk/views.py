"""Pages that compose several apps: each role's "my work" and the help pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from desk import selectors


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Each role's own "my work" (SPEC §6 `/`): the panels of every role the user holds."""
    return render(request, "desk/my_work.html", selectors.my_work_panels(user=request.user))
