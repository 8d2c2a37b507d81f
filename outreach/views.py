"""Thin views: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.feedback import back_home_or, button_service, form_error
from core.pagination import CappedPaginator
from core.visibility import visible_or_404
from outreach import analysis, rights, selectors, services
from outreach.forms import ActionForm, AnswerForm, ApproveForm, GreetingSendForm, RoundOpenForm

PAGE = 50


@login_required
@require_GET
def greetings(request: HttpRequest) -> HttpResponse:
    start, end = selectors.greeting_window()
    page = CappedPaginator(selectors.greetings_due(user=request.user), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/greetings.html",
        {
            "page": page,
            "rows": selectors.as_greetings(page.object_list),
            "start": start,
            "end": end,
            "form": GreetingSendForm(),
        },
    )


@login_required
@require_POST
def greeting_send(request: HttpRequest) -> HttpResponse:
    form = GreetingSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That greeting could not be read; open the list again."))
        return back_home_or(request, "outreach:greetings")
    customer = visible_or_404(selectors.greetable(request.user), form.cleaned_data.pop("customer"))
    button_service(
        request,
        lambda: services.greeting_send(actor=request.user, customer=customer, **form.cleaned_data),
        done=_("Greeting logged for %(name)s.") % {"name": customer.name},
    )
    return back_home_or(request, "outreach:greetings")


@login_required
@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    rows = rights.rounds_visible_to(request.user).select_related("department", "opened_by")
    page = CappedPaginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "outreach/rounds.html", {"page": page, "may_open": rights.may_open_round(request.user)})


@login_required
def round_open(request: HttpRequest) -> HttpResponse:
    if not rights.may_open_round(request.user):
        raise PermissionDenied(_("Only a department manager opens a survey round."))
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = services.survey_round_open(actor=request.user, fields=form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The round is open."))
            return redirect("outreach:round", pk=opened.pk)
    return render(request, "outreach/form.html", {"form": form, "title": _("Open a survey round")})


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round, user = rights.round_for(request.user, pk), request.user
    members = selectors.members_visible_to(user, survey_round)
    page = CappedPaginator(members, PAGE).get_page(request.GET.get("page"))
    report = analysis.analyse(survey_round)
    return render(
        request,
        "outreach/round_detail.html",
        {
            "round": survey_round,
            "page": page,
            "report": report,
            "low_scores": selectors.low_scores_visible_to(user, report.low_scores),
            "actions": survey_round.actions.select_related("owner")[:100],
            "may_answer": rights.may_answer(user, survey_round),
            "may_close": rights.may_close_round(user, survey_round),
            "may_approve": rights.may_approve_round(user, survey_round),
            "may_plan": rights.may_plan_actions(user, survey_round),
            "approve_form": ApproveForm(),
        },
    )


@login_required
def round_answer(request: HttpRequest, pk: int) -> HttpResponse:
    member = visible_or_404(selectors.answerable_members(request.user), pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer_record(actor=request.user, member=member, fields=form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("outreach:round", pk=member.round_id)
        else:
            messages.success(request, _("Saved."))
            return redirect("outreach:round", pk=member.round_id)
    title = _("Record an answer: %(archive_no)s") % {"archive_no": member.customer.archive_no}
    return render(request, "outreach/form.html", {"form": form, "title": title, "round": member.round})


def _move(request: HttpRequest, pk: int, service, done: str, **extra) -> HttpResponse:
    survey_round = rights.round_for(request.user, pk)
    button_service(request, lambda: service(actor=request.user, survey_round=survey_round, **extra), done=done)
    return redirect("outreach:round", pk=pk)


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, services.survey_round_close, _("The round is closed."))


@login_required
@require_POST
def round_approve(request: HttpRequest, pk: int) -> HttpResponse:
    form = ApproveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _move(request, pk, services.survey_round_approve, _("The analysis is approved."), note=note)


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    survey_round = rights.round_for(request.user, pk)
    if not rights.may_plan_actions(request.user, survey_round):
        raise PermissionDenied(_("A manager of the department plans corrective actions once the round is closed."))
    form = ActionForm(request.POST or None, department_id=survey_round.department_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.corrective_action_plan(actor=request.user, survey_round=survey_round, fields=form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("outreach:round", pk=pk)
    title = _("Plan a corrective action")
    return render(request, "outreach/form.html", {"form": form, "title": title, "round": survey_round})


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = rights.action_for(request.user, pk)
    button_service(
        request, lambda: services.corrective_action_done(actor=request.user, action=action), done=_("Marked as done.")
    )
    return back_home_or(request, "outreach:round", pk=action.round_id)
