"""The customers' own requests: the list with deadlines, recording one, the
identity check, the copy file and the answer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.feedback import error_messages
from core.visibility import visible_or_404
from lifecycle import rights, selectors
from lifecycle.forms import AnswerForm, IdentityForm, SubjectRequestForm
from lifecycle.models import SubjectRequest
from lifecycle.pages import customer_or_404, form_page, require, run_step, saved
from lifecycle.services import subject


def _subject_request(request: HttpRequest, pk) -> SubjectRequest:
    return visible_or_404(selectors.subject_requests_for(request.user), pk)


@login_required
@require_GET
def subject_request_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.subject_requests_for(request.user)[: selectors.QUEUE_LIMIT]
    return render(request, "lifecycle/subject_list.html", {"rows": rows, "today": timezone.localdate()})


@login_required
def subject_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_or_404(request, pk)
    refusal = _("Only who works on this record handles the customer's requests.")
    require(rights.may_handle_subject_request(request.user, customer), refusal)
    return form_page(
        request,
        customer=customer,
        form=SubjectRequestForm(request.POST or None, initial={"received_on": timezone.localdate()}),
        service=subject.subject_request_record,
        title=_("Record a customer's request"),
        done=lambda obj: saved(
            request,
            _("Recorded; answer by %(date)s.") % {"date": obj.due_on.isoformat()},
            "lifecycle:subject_request",
            pk=obj.pk,
        ),
    )


@login_required
@require_GET
def subject_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _subject_request(request, pk)
    context = {
        "obj": obj,
        "may_handle": rights.may_handle_subject_request(request.user, obj.customer),
        "identity_form": IdentityForm(),
        "answer_form": AnswerForm(),
    }
    return render(request, "lifecycle/subject_detail.html", context)


@login_required
@require_POST
def subject_request_act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    obj = _subject_request(request, pk)
    if step not in ("identity", "answer"):
        raise Http404
    form = (IdentityForm if step == "identity" else AnswerForm)(request.POST)
    service = subject.subject_request_identity_checked if step == "identity" else subject.subject_request_answer

    def act() -> None:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        service(actor=request.user, request=obj, **form.cleaned_data)

    return run_step(request, act, "lifecycle:subject_request", pk=obj.pk)


@login_required
@require_GET
def subject_request_copy(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _subject_request(request, pk)
    try:
        text = subject.subject_copy(actor=request.user, request=obj, http_request=request)
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
        return redirect("lifecycle:subject_request", pk=obj.pk)
    response = HttpResponse("\ufeff" + text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{obj.customer.archive_no}-{obj.number}.txt"'
    return response
