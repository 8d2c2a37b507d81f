"""A reviewer's samples and the second check of one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.feedback import form_error
from core.visibility import visible_or_404
from lifecycle import selectors
from lifecycle.forms import SampleResultForm
from lifecycle.models import SampleResult
from lifecycle.services.sampling import sample_check_record


@login_required
@require_GET
def sample_list(request: HttpRequest) -> HttpResponse:
    context = {
        "waiting": selectors.samples_waiting_for(request.user)[: selectors.QUEUE_LIMIT],
        "done": selectors.samples_for(request.user).exclude(result=SampleResult.PENDING).order_by("-checked_at")[:50],
    }
    return render(request, "lifecycle/sample_list.html", context)


@login_required
def sample_check(request: HttpRequest, pk: int) -> HttpResponse:
    sample = visible_or_404(selectors.samples_for(request.user), pk)
    form = SampleResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sample_check_record(actor=request.user, sample=sample, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form_error(form, ValidationError(list(getattr(exc, "messages", [str(exc)]))))
        else:
            messages.success(request, _("The result is kept."))
            return redirect("lifecycle:samples")
    return render(request, "lifecycle/sample_check.html", {"sample": sample, "form": form})
