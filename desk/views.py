"""Pages that compose several apps: each role's "my work" and the help pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from desk import manual, selectors


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Each role's own "my work" (SPEC §6 `/`): the panels of every role the user holds."""
    return render(request, "desk/my_work.html", selectors.my_work_panels(user=request.user))


@require_safe
def help_index(request: HttpRequest) -> HttpResponse:
    """The manual's contents: one page per role, the reader's own roles first.
    Open to anyone, logged in or not: it holds no record."""
    mine = request.user.role_names if request.user.is_authenticated else frozenset()
    pages = sorted(manual.PAGES.values(), key=lambda page: page.role not in mine)
    return render(request, "desk/help_index.html", {"pages": pages, "mine": mine})


@require_safe
def help_page(request: HttpRequest, role: str) -> HttpResponse:
    page = manual.PAGES.get(role)
    if page is None:
        raise Http404
    return render(request, page.template, {"page": page, "pages": manual.PAGES.values()})
