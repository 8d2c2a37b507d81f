"""Report pages inside the admin: the manager's department (every department for a
holder of `reports.view_company_reports`), a date range, tables with charts, and
exports to XLSX or CSV that are logged."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AccessLog
from audit.services import access_log_record
from bulk import spreadsheets
from core.forms import SupportedDatesMixin
from reports import queries, rights

REPORTS = {
    "customers": gettext_lazy("Customers"),
    "quality": gettext_lazy("Entry quality and review"),
    "transactions": gettext_lazy("Transactions"),
    "complaints": gettext_lazy("Complaints and satisfaction"),
}
BUILDERS = {
    "customers": queries.customers,
    "quality": queries.quality,
    "transactions": queries.transactions,
    "complaints": queries.complaints,
}


class FilterForm(SupportedDatesMixin, forms.Form):
    since = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), queryset=None, required=False)

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = _("All my departments")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", _("The end of the range is before its start."))
        return cleaned


def _filters(request: HttpRequest) -> tuple[FilterForm, queries.Filters]:
    user = request.user
    departments = rights.report_departments(user)
    today = timezone.localdate()
    initial = {"since": today.replace(day=1) - timedelta(days=365), "until": today}
    data = {**{k: v.isoformat() for k, v in initial.items()}, **request.GET.dict()}
    form = FilterForm(data, departments=departments)
    values = form.cleaned_data if form.is_valid() else initial
    chosen = values.get("department")
    scope = [chosen.pk] if chosen else list(departments.values_list("pk", flat=True))
    return form, queries.Filters(departments=scope, since=values["since"], until=values["until"])


def index(request: HttpRequest) -> HttpResponse:
    rights.require_reports(request.user)
    return render(
        request,
        "admin/reports/index.html",
        {**admin.site.each_context(request), "reports": REPORTS, "title": _("Reports")},
    )


def report(request: HttpRequest, name: str) -> HttpResponse:
    if name not in REPORTS:
        raise Http404
    rights.require_reports(request.user)
    form, filters = _filters(request)
    tables = BUILDERS[name](filters)
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        access_log_record(
            action=AccessLog.Action.EXPORT,
            actor=request.user,
            request=request,
            detail={
                "what": f"report:{name}",
                "format": export,
                "filter": {
                    "since": filters.since.isoformat(),
                    "until": filters.until.isoformat(),
                    "departments": filters.departments,
                },
                "rows": sum(len(t.rows) for t in tables),
            },
        )
        return _export(name, tables, export)
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "admin/reports/report.html",
        {
            **admin.site.each_context(request),
            "title": REPORTS[name],
            "name": name,
            "form": form,
            "tables": tables,
            "query": query.urlencode(),
            "reports": REPORTS,
        },
    )


def _export(name: str, tables: list[queries.Table], file_format: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # Cells are written by bulk.spreadsheets: never a formula, and no file on disk.
    if file_format == "csv":

        def lines():
            for table in tables:
                yield [table.title]
                yield table.columns
                yield from table.rows
                yield []

        response = HttpResponse("".join(spreadsheets.csv_lines(lines())), content_type=spreadsheets.CSV_TYPE)
    else:
        sheets = [(f"{index} {table.title}", [table.columns, *table.rows]) for index, table in enumerate(tables, 1)]
        response = HttpResponse(b"".join(spreadsheets.xlsx_chunks(sheets)), content_type=spreadsheets.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="report-{name}-{stamp}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
