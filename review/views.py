"""The review queue and the decision URLs, for every registered model (SPEC §4
Review). Each model's part of a page comes from its `review.pages.ReviewPages`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.feedback import error_messages
from core.pagination import page_number
from review.pages import PAGE_SIZE, ReviewPages, registered


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    page = page_number(request.GET.get("page"), size=PAGE_SIZE)
    context = {"sections": [], "page": page, "has_next": False}
    for pages in registered():
        section = pages.queue_section(user=request.user, params=request.GET, page=page)
        # Each section's rows are also in the context under the section's name.
        context[pages.queue_name] = section["rows"] if section else []
        if section is not None:
            context["sections"].append({**section, "template": pages.queue_template})
            context["has_next"] |= section.get("has_next", False)
    return render(request, "review/queue.html", context)


@login_required
def review_page(request: HttpRequest, pk: int, *, pages: ReviewPages) -> HttpResponse:
    obj = pages.queued(request.user, pk)
    if obj is None:
        raise Http404
    return render(request, pages.page_template, pages.page_context(request, obj))


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int, *, pages: ReviewPages, action: str) -> HttpResponse:
    """Approve or return (`action`) a row the user may decide; a refusal is told
    on the page the model's pages name."""
    obj = pages.decidable(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    try:
        message = pages.approve(request, obj) if action == "approve" else pages.return_(request, obj)
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
        name, kwargs = pages.after_refusal(request, obj, exc)
        return redirect(name, **kwargs)
    messages.success(request, message)
    return redirect("review:queue")
