"""The security officer's watch pages (mounted at /security/). Thin: parse, ask
watch/rights.py, call a service or selector, render. Out of scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bulk import spreadsheets
from watch import rights, selectors, services
from watch.forms import AccountWindowForm, AcknowledgeForm, IncidentForm, IncidentUpdateForm, LockForm
from watch.notice import breach_notice

FORMATS = ("csv", "xlsx")


def _incident(request: HttpRequest, pk: int):
    rights.require_watches(request.user)
    return get_object_or_404(selectors.incidents_for(request.user), pk=pk)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    rights.require_watches(request.user)
    form = AccountWindowForm(request.GET or None, reader=request.user)
    found = None
    if form.is_valid():
        since, until = form.window
        found = selectors.incident_report(account=form.account, since=since, until=until)
    if not request.GET:
        form = AccountWindowForm(initial=AccountWindowForm.last_week(), reader=request.user)
    query = request.GET.urlencode() if found else ""
    accounts = [] if found else list(selectors.accounts_in_scope(request.user).exclude(pk=request.user.pk)[:200])
    context = {"form": form, "report": found, "query": query, "accounts": accounts}
    return render(request, "watch/report.html", context)


@login_required
@require_GET
def report_export(request: HttpRequest, file_format: str) -> HttpResponse:
    rights.require_watches(request.user)
    if file_format not in FORMATS:
        raise Http404
    form = AccountWindowForm(request.GET, reader=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose an account you watch and a window first."))
        return redirect("watch:report")
    since, until = form.window
    found = selectors.incident_report(account=form.account, since=since, until=until)
    rows = selectors.report_rows(found)
    services.taken_away_log(
        actor=request.user,
        request=request,
        what="incident_report",
        file_format=file_format,
        rows=len(rows) - 1,
        user=form.account.username,
        since=form.cleaned_data["since"],
        until=form.cleaned_data["until"],
    )
    if file_format == "csv":
        response = StreamingHttpResponse(spreadsheets.csv_lines(rows), content_type=spreadsheets.CSV_TYPE)
    else:
        response = StreamingHttpResponse(
            spreadsheets.xlsx_chunks([("report", rows)]), content_type=spreadsheets.XLSX_TYPE
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="incident-report-{stamp}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def incidents(request: HttpRequest) -> HttpResponse:
    rights.require_watches(request.user)
    rows = list(selectors.incidents_for(request.user)[:200])
    return render(request, "watch/incidents.html", {"incidents": rows})


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest) -> HttpResponse:
    rights.require_watches(request.user)
    if request.method != "POST":
        initial = {**AccountWindowForm.last_week(), "user": request.GET.get("user", "")[:150]}
        form = IncidentForm(initial=initial, reader=request.user)
        return render(request, "watch/incident_form.html", {"form": form})
    form = IncidentForm(request.POST, reader=request.user)
    if form.is_valid():
        since, until = form.window
        data = form.cleaned_data
        try:
            incident = services.incident_open(
                actor=request.user,
                account=form.account,
                since=since,
                until=until,
                description=data["description"],
                measures=data["measures"],
                contact=data["contact"],
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Incident %(number)s opened.") % {"number": incident.number})
            return redirect("watch:incident", pk=incident.pk)
    return render(request, "watch/incident_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def incident(request: HttpRequest, pk: int) -> HttpResponse:
    found = _incident(request, pk)
    may_change = rights.may_change_incident(request.user, found)
    form = IncidentUpdateForm(request.POST or None, initial=_incident_initial(found))
    if request.method == "POST":
        if not may_change:
            messages.error(request, _("You may not change this incident."))
            return redirect("watch:incident", pk=found.pk)
        if form.is_valid():
            services.incident_update(actor=request.user, incident=found, **form.cleaned_data)
            messages.success(request, _("Incident %(number)s updated.") % {"number": found.number})
            return redirect("watch:incident", pk=found.pk)
    found_report = selectors.incident_report(account=found.account, since=found.since, until=found.until)
    query = f"user={found.account.username}&since={found.since:%Y-%m-%d}&until={found.until:%Y-%m-%d}"
    context = {"incident": found, "report": found_report, "form": form, "may_change": may_change, "query": query}
    context["may_lock"] = rights.may_lock(request.user, found.account)
    return render(request, "watch/incident.html", context)


def _incident_initial(incident) -> dict:
    return {"status": incident.status, "measures": incident.measures, "contact": incident.contact}


@login_required
@require_GET
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    draft = breach_notice(_incident(request, pk))
    return render(request, "watch/notice.html", {"notice": draft})


@login_required
@require_GET
def notice_download(request: HttpRequest, pk: int) -> HttpResponse:
    draft = breach_notice(_incident(request, pk))
    services.taken_away_log(
        actor=request.user,
        request=request,
        what="breach_notice",
        file_format="txt",
        rows=len(draft.report.customers),
        incident=draft.incident.number,
    )
    text = render_to_string("watch/notice.txt", {"notice": draft}, request=request)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="breach-notice-{draft.incident.number}.txt"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    rights.require_watches(request.user)
    account = get_object_or_404(selectors.accounts_in_scope(request.user), pk=pk)
    if not rights.may_lock(request.user, account):
        messages.error(request, _("You may not lock this account."))
        return redirect("watch:report")
    form = LockForm(request.POST or None, initial={"incident": request.GET.get("incident", "")[:12]})
    if request.method == "POST" and form.is_valid():
        incident = selectors.incidents_for(request.user).filter(pk=form.cleaned_data["incident"], account=account)
        try:
            done = services.account_lock(
                actor=request.user, account=account, reason=form.cleaned_data["reason"], incident=incident.first()
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Account %(user)s locked.") % {"user": done.account.username})
            return redirect("watch:lock", pk=account.pk)
    locks = account.watch_locks.select_related("locked_by")[:10]
    return render(request, "watch/lock.html", {"account": account, "form": form, "locks": locks})


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    rights.require_watches(request.user)
    rows = selectors.alerts_for(request.user).order_by("status", "-day", "-count", "-id")[:200]
    return render(request, "watch/alerts.html", {"alerts": list(rows)})


@login_required
@require_http_methods(["GET", "POST"])
def alert(request: HttpRequest, pk: int) -> HttpResponse:
    rights.require_watches(request.user)
    found = get_object_or_404(selectors.alerts_for(request.user), pk=pk)
    may_acknowledge = rights.may_acknowledge(request.user, found)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST":
        if not may_acknowledge:
            messages.error(request, _("You may not acknowledge this alert."))
            return redirect("watch:alert", pk=found.pk)
        if form.is_valid():
            try:
                services.alert_acknowledge(actor=request.user, alert=found, note=form.cleaned_data["note"])
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, _("Alert acknowledged."))
            return redirect("watch:alerts")
    context = {"alert": found, "form": form, "may_acknowledge": may_acknowledge}
    context["may_lock"] = rights.may_lock(request.user, found.account)
    return render(request, "watch/alert.html", context)
