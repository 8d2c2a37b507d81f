"""The customers' own requests: the list with deadlines, recording one, the
identity check, the copy file and the answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.feedback import error_messages, form_error
from core.parsing import object_id
from lifecycle import rights, selectors
from lifecycle.forms import AnswerForm, IdentityForm, SubjectRequestForm
from lifecycle.models import SubjectRequest
from lifecycle.services import subject
from lifecycle.views import _customer


def _subject_request(request: HttpRequest, pk) -> SubjectRequest:
    try:
        return selectors.subject_requests_for(request.user).get(pk=object_id(pk))
    except SubjectRequest.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def subject_request_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.subject_requests_for(request.user)[: selectors.QUEUE_LIMIT]
    return render(request, "lifecycle/subject_list.html", {"rows": rows, "today": timezone.localdate()})


@login_required
def subject_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    if not rights.may_handle_subject_request(request.user, customer):
        raise PermissionDenied(_("Only who works on this record handles the customer's requests."))
    form = SubjectRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            obj = subject.subject_request_record(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Recorded; answer by %(date)s.") % {"date": obj.due_on.isoformat()})
            return redirect("lifecycle:subject_request", pk=obj.pk)
    title = _("Record a customer's request")
    return render(request, "lifecycle/form.html", {"form": form, "customer": customer, "title": title})


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
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        if step == "identity":
            subject.subject_request_identity_checked(actor=request.user, request=obj, **form.cleaned_data)
        else:
            subject.subject_request_answer(actor=request.user, request=obj, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("lifecycle:subject_request", pk=obj.pk)


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
