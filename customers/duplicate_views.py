"""The managers' "possible duplicates" page (issue 19): the last sweep's pairs
that touch their department, each explained; dismiss one as "not the same
customer" with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.pagination import CappedPaginator
from customers import services
from customers.duplicate_forms import DismissDuplicateForm
from customers.duplicates import duplicate_pairs_visible_to
from customers.matching import explain
from customers.rights import may_handle_duplicates

PAGE_SIZE = 50


@login_required
@require_safe
def duplicate_list(request: HttpRequest) -> HttpResponse:
    if not may_handle_duplicates(request.user):
        raise PermissionDenied(_("Only a department's manager handles its possible duplicates."))
    page = CappedPaginator(duplicate_pairs_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    department = request.user.department_id
    rows = [
        {
            "pair": pair,
            "sides": [(c, c.department_id == department) for c in (pair.first, pair.second)],
            "reason": explain(pair.rules),
        }
        for pair in page
    ]
    return render(request, "customers/duplicates.html", {"page": page, "rows": rows, "form": DismissDuplicateForm()})


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = duplicate_pairs_visible_to(request.user).filter(pk=pk).first()
    if pair is None:
        raise Http404
    form = DismissDuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("customers:duplicates")
    try:
        services.duplicate_dismiss(
            actor=request.user, first=pair.first, second=pair.second, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Dismissed: these two records will not be reported as duplicates again."))
    return redirect("customers:duplicates")
