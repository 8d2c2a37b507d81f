"""Scorecard pages: a person's own twelve months (`/reports/scorecards/<id>/`), the
department's people for a month (`/reports/scorecards/`), each exportable to CSV
or XLSX (logged). Who may see which is `reports.rights`'s answer."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from audit.models import AccessLog
from audit.services import access_log_record
from bulk import spreadsheets
from reports import rights, scorecards
from reports.scorecard_tables import tables


def _month(request: HttpRequest) -> date:
    """`?month=YYYY-MM`; anything else (or nothing) is this month."""
    text = request.GET.get("month", "")
    try:
        chosen = date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        chosen = None
    today = timezone.localdate()
    return chosen if chosen and date(2000, 1, 1) <= chosen <= today else today.replace(day=1)


def _page(request: HttpRequest, *, title: str, tables_, month: date, what: dict) -> HttpResponse:
    export = request.GET.get("export")
    if export not in ("csv", "xlsx"):
        context = {"title": title, "tables": tables_, "month": month.strftime("%Y-%m")}
        return render(request, "reports/scorecards.html", context)
    rows = sum(len(t.rows) for t in tables_)
    detail = {"what": "scorecard", **what, "month": month.strftime("%Y-%m"), "format": export, "rows": rows}
    access_log_record(action=AccessLog.Action.EXPORT, actor=request.user, request=request, detail=detail)
    if export == "csv":
        lines = [line for t in tables_ for line in ([t.title], t.columns, *t.rows, [])]
        response = HttpResponse("".join(spreadsheets.csv_lines(lines)), content_type=spreadsheets.CSV_TYPE)
    else:
        sheets = [(t.title, [t.columns, *t.rows]) for t in tables_]
        response = HttpResponse(b"".join(spreadsheets.xlsx_chunks(sheets)), content_type=spreadsheets.XLSX_TYPE)
    stamp = month.strftime("%Y%m")
    response["Content-Disposition"] = f'attachment; filename="scorecard-{stamp}.{export}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A manager's way in is the department; a clerk's or reviewer's their own."""
    if rights.may_see_department_scorecards(request.user):
        return redirect("reports:scorecards")
    if rights.is_scored(request.user):
        return redirect("reports:scorecard", pk=request.user.pk)
    raise PermissionDenied(_("Scorecards are for clerks, reviewers and their managers."))


@login_required
@require_GET
def department(request: HttpRequest) -> HttpResponse:
    if not rights.may_see_department_scorecards(request.user):
        raise PermissionDenied(_("The department's scorecards are for its manager."))
    month = _month(request)
    cards = scorecards.department_month(department_id=request.user.department_id, month=month)
    labelled = [(f"{p.last_name}{p.first_name} ({p.username})", card) for p, card in cards]
    title = _("Scorecards of %(department)s, %(month)s") % {
        "department": request.user.department,
        "month": month.strftime("%Y-%m"),
    }
    what = {"department": request.user.department_id}
    return _page(request, title=title, tables_=tables(labelled, _("Name")), month=month, what=what)


@login_required
@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    found = User.objects.filter(pk=pk).first()
    if found is None or not rights.may_see_scorecard(request.user, found):
        raise Http404  # another person's scorecard: not even whether they exist
    month = _month(request)
    cards = scorecards.person_months(person=found, month=month)
    labelled = [(m.strftime("%Y-%m"), card) for m, card in cards]
    title = _("Scorecard of %(name)s") % {"name": f"{found.last_name}{found.first_name} ({found.username})"}
    return _page(request, title=title, tables_=tables(labelled, _("Month")), month=month, what={"person": found.pk})
