"""Call and campaign lists: saved filters, the masked list each gives, and its
logged export. Thin: the rights module says who, the selectors which rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AccessLog
from audit.services import access_log_record
from bulk import spreadsheets
from campaigns import rights, selectors
from campaigns.forms import SavedFilterForm
from campaigns.models import SavedFilter
from campaigns.rows import columns, export_limit, masked_row
from campaigns.services import saved_filter_create, saved_filter_delete


def _require(user) -> None:
    if not rights.may_use_campaigns(user):
        raise PermissionDenied(_("Call and campaign lists are for managers and clerks."))


def _saved_or_404(request: HttpRequest, pk: int) -> SavedFilter:
    """One's own saved filter; anyone else's, or any for a role without lists, is a 404."""
    return get_object_or_404(selectors.saved_filters_for(request.user), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require(request.user)
    form = SavedFilterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = saved_filter_create(actor=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Filter saved."))
            return redirect("campaigns:list", pk=saved.pk)
    context = {"form": form, "filters": selectors.saved_filters_for(request.user)}
    return render(request, "campaigns/index.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def campaign_list(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _saved_or_404(request, pk)
    rows = selectors.campaign_customers(user=request.user, saved=saved)
    shown = selectors.honour_no_marketing(list(rows[: selectors.PAGE]))
    context = {
        "saved": saved,
        "columns": columns(),
        "rows": [masked_row(c) for c in shown],
        "count": selectors.capped_count(rows),
        "cap": selectors.COUNT_CAP,
    }
    return render(request, "campaigns/list.html", context)


@login_required
@require_GET
def campaign_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    saved = _saved_or_404(request, pk)
    rows = selectors.campaign_customers(user=request.user, saved=saved)
    table = [masked_row(c) for c in selectors.honour_no_marketing(list(rows[: export_limit()]))]
    access_log_record(
        action=AccessLog.Action.EXPORT,
        actor=request.user,
        request=request,
        # Counts and the criteria's names, never their values (a province is personal).
        detail={"what": "campaign_list", "filter": saved.pk, "format": file_format, "rows": len(table)},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        body = "".join(spreadsheets.csv_lines([columns(), *table]))
        response = HttpResponse(body, content_type=spreadsheets.CSV_TYPE)
    else:
        sheets = [(_("Call list"), [columns(), *table])]
        response = HttpResponse(b"".join(spreadsheets.xlsx_chunks(sheets)), content_type=spreadsheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="campaign-{saved.pk}-{stamp}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _saved_or_404(request, pk)
    saved_filter_delete(actor=request.user, saved=saved)
    messages.success(request, _("Filter deleted."))
    return redirect("campaigns:index")
