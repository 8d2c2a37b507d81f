"""Thin views: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.feedback import back_home_or, button_service, form_service
from core.pagination import CappedPaginator
from core.parsing import object_id
from customers.rights import customer_for
from interactions import rights, selectors, services
from interactions.forms import ComplaintForm, ComplaintMoveForm, FeedbackForm, InteractionForm
from interactions.models import COMPLAINT_MOVE_VERBS


def _create(request: HttpRequest, *, form_class, service, title: str, anchor: str) -> HttpResponse:
    customer = customer_for(request.user, request.GET.get("customer"))
    extra = {"department_id": customer.department_id} if form_class is ComplaintForm else {}
    form = form_class(request.POST or None, **extra)
    if "handler" in form.fields:
        form.fields["handler"].queryset = rights.eligible_handlers(department_id=customer.department_id)
    done = form_service(
        request,
        form,
        lambda: service(actor=request.user, customer=customer, fields=form.cleaned_data),
        success=lambda obj: (
            _("Saved."),
            reverse("interactions:complaint", kwargs={"pk": obj.pk})
            if form_class is ComplaintForm
            else f"{customer.get_absolute_url()}#{anchor}",
        ),
        refused_to=customer,
    )
    return done or render(
        request, "transactions/simple_form.html", {"form": form, "customer": customer, "title": title}
    )


@login_required
def interaction_create(request: HttpRequest) -> HttpResponse:
    return _create(
        request,
        form_class=InteractionForm,
        service=services.interaction_log,
        title=_("Log a contact"),
        anchor="contacts",
    )


@login_required
def complaint_create(request: HttpRequest) -> HttpResponse:
    return _create(
        request,
        form_class=ComplaintForm,
        service=services.complaint_receive,
        title=_("Record a complaint"),
        anchor="complaints",
    )


@login_required
def feedback_create(request: HttpRequest) -> HttpResponse:
    return _create(
        request, form_class=FeedbackForm, service=services.feedback_record, title=_("Record a survey"), anchor="surveys"
    )


@login_required
def interaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = rights.interaction_for(request.user, pk)
    return render(
        request,
        "interactions/interaction_detail.html",
        {"item": item, "customer": item.customer, "may_close": rights.may_close_follow_up(request.user, item)},
    )


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = rights.interaction_for(request.user, pk)
    button_service(
        request,
        lambda: services.interaction_follow_up_done(actor=request.user, interaction=item),
        done=_("Follow-up marked as done."),
    )
    return back_home_or(request, "interactions:interaction", pk=pk)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = rights.complaint_for(request.user, pk)
    return render(
        request,
        "interactions/complaint_detail.html",
        {
            "complaint": complaint,
            "customer": complaint.customer,
            "moves": [(to, COMPLAINT_MOVE_VERBS[to]) for to in complaint.next_statuses],
            "may_work": rights.may_move_complaint(request.user, complaint),
            "may_assign": rights.may_assign_complaint(request.user, complaint),
            "members": rights.eligible_handlers(department_id=complaint.department_id),
            "history": complaint.history.select_related("history_user").order_by("-history_date")[:30],
            "typed": request.session.pop(f"complaint-typed-{pk}", {}),
        },
    )


@login_required
@require_POST
def complaint_move(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = rights.complaint_for(request.user, pk)
    form = ComplaintMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a satisfaction from 1 to 5."))
        return redirect("interactions:complaint", pk=pk)
    try:
        moved = services.complaint_move(actor=request.user, complaint=complaint, **form.cleaned_data)
    except ValidationError as exc:
        # What was typed comes back with the message, so nothing is lost.
        request.session[f"complaint-typed-{pk}"] = {k: str(v or "") for k, v in form.cleaned_data.items()}
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Complaint %(number)s is now %(status)s.")
            % {"number": moved.number, "status": moved.get_status_display()},
        )
    return redirect("interactions:complaint", pk=pk)


@login_required
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = rights.complaint_for(request.user, pk)
    if not rights.may_assign_complaint(request.user, complaint):
        messages.error(request, _("Only a manager of the complaint's department hands it to another handler."))
        return redirect("interactions:complaint", pk=pk)
    handler = (
        rights.eligible_handlers(department_id=complaint.department_id)
        .filter(pk=object_id(request.POST.get("handler")) or 0)
        .first()
    )
    if handler is None:
        messages.error(request, _("Choose a handler of the customer's department."))
        return redirect("interactions:complaint", pk=pk)
    button_service(
        request,
        lambda: services.complaint_assign(actor=request.user, complaint=complaint, handler=handler),
        done=_("Assigned to %(name)s.") % {"name": handler.display_name},
    )
    return redirect("interactions:complaint", pk=pk)


@login_required
def complaint_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    overdue_only = request.GET.get("overdue") == "1"
    rows = selectors.complaint_queue(user=request.user, overdue_only=overdue_only, now=now)
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "interactions/complaint_queue.html",
        {"page": page, "now": now, "overdue_only": overdue_only, "query": "overdue=1" if overdue_only else ""},
    )
