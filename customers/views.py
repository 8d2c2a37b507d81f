"""Thin views: parse, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from audit.trail import trail_entries
from customers import selectors, services
from customers.forms import CustomerForm
from customers.models import Customer
from customers.presentation import CustomerPresenter

SENSITIVE = ("id_number", "bank_account")


def _visible_customer(request: HttpRequest, pk: int) -> Customer:
    try:
        return selectors.customer_detail(user=request.user, pk=pk)
    except Customer.DoesNotExist as exc:
        # Out of scope and nonexistent look the same.
        raise Http404 from exc


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/home.html", selectors.my_work(user=request.user))


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    customers = selectors.customer_list(user=request.user, query=query)
    page = Paginator(customers, settings.CRM_CUSTOMER_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [CustomerPresenter(customer, request.user) for customer in page.object_list]
    return render(request, "customers/customer_list.html", {"page": page, "rows": rows, "query": query})


@login_required
@sensitive_post_parameters(*SENSITIVE)
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                actor=request.user, fields=form.model_values(), tags=form.cleaned_data["tags"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved as draft %(archive_no)s.") % {"archive_no": customer.archive_no})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": None})


@login_required
@sensitive_post_parameters(*SENSITIVE)
def customer_update(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _visible_customer(request, pk)
    if customer.entered_by_id != request.user.pk or customer.status not in services.EDITABLE_BY_MAKER:
        messages.error(request, _("Only the maker can edit a draft or a returned entry."))
        return redirect("customers:detail", pk=customer.pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                actor=request.user, customer=customer, fields=form.model_values(), tags=form.cleaned_data["tags"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _visible_customer(request, pk)
    presenter = CustomerPresenter(customer, request.user)
    records = list(selectors.customer_history(customer=customer)[:51])
    trail = trail_entries(records, model=Customer, show=presenter.show)[:50]
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "presenter": presenter,
            "trail": trail,
            "can_edit": customer.entered_by_id == request.user.pk and customer.status in services.EDITABLE_BY_MAKER,
        },
    )


@login_required
@require_POST
def customer_submit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _visible_customer(request, pk)
    try:
        services.customer_submit(actor=request.user, customer=customer)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            label = customer._meta.get_field(field).verbose_name if field != "__all__" else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        messages.warning(request, _("Not submitted: correct the record first."))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted for review."))
    return redirect("customers:detail", pk=customer.pk)
