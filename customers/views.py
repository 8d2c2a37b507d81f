"""Thin views: parse, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from core.feedback import button_service, said_already_submitted
from core.pagination import KeysFirstPaginator
from core.parsing import object_id
from customers import listing, selectors, services
from customers.duplicates import duplicates_for_viewer
from customers.entry_checks import consent_findings
from customers.forms import ChangeReasonForm, CustomerForm, GrantRequestForm
from customers.lookups import customer_lookup
from customers.models import ChangeStatus, Customer, LifecycleStage, Status, Tag, Tier
from customers.presentation import CustomerPresenter
from customers.review import CHANGE_REVIEW, validation_findings
from customers.rights import changes as change_rights
from customers.rights import customer_for, rights_for
from customers.rights import grants as grant_rights
from customers.validators import normalize_bank_account, normalize_code
from review.mechanism import awaits_second_approval, decisions_of, latest_return
from vault import masking

SENSITIVE = masking.ALWAYS_MASKED


def _visible_customer(request: HttpRequest, pk: int) -> Customer:
    return customer_for(request.user, pk, page=True)


@login_required
@sensitive_post_parameters("q")
def customer_list(request: HttpRequest) -> HttpResponse:
    """The list, searched from its address by name, archive number or mobile. An ID
    or bank number is searched only from the body of a POST (`_customer_lookup`):
    one in the address is not searched at all, so the answer is the same whether
    or not the number exists."""
    if request.method == "POST":
        return _customer_lookup(request)
    query = request.GET.get("q", "")[:100]
    tag = request.GET.get("tag", "")[:30]
    if selectors.reads_as_s3(query):
        # Not searched, and off the address bar: the same answer whether or not it exists.
        messages.warning(request, USE_THE_SEARCH_BOX)
        return redirect(reverse("customers:list") + (f"?{urlencode({'tag': tag})}" if tag else ""))
    customers = selectors.customer_list(user=request.user, query=query, tag=tag)
    # Archived and destroyed records leave the default list; `?closed=1` shows only them (issue 17).
    closed = request.GET.get("closed") == "1"
    customers = (customers.filter if closed else customers.exclude)(status__in=CLOSED_STATUSES)
    # Filters and sorts that apps above this one offer (customers.listing).
    show, sort = listing.chosen(request.GET.get("show", "")[:30], request.GET.get("sort", "")[:30])
    customers = listing.applied(customers, show=show, sort=sort)
    page = KeysFirstPaginator(customers, settings.CRM_CUSTOMER_PAGE_SIZE).get_page(request.GET.get("page"))
    rights = rights_for(request)
    rows = [CustomerPresenter(customer, rights) for customer in page.object_list]
    params = urlencode({key: value for key, value in (("show", show), ("sort", sort)) if value})
    return _list_page(
        request, page=page, rows=rows, query=query, tag=tag, closed=closed, show=show, sort=sort, list_params=params
    )


CLOSED_STATUSES = (Status.ARCHIVED, Status.DESTROYED)
USE_THE_SEARCH_BOX = gettext_lazy(
    "ID and bank numbers are not searched from the address of a page. Type the number in the search box "
    "and press Search."
)


def _list_page(request: HttpRequest, *, status: int = 200, **context) -> HttpResponse:
    context = {"page": None, "rows": [], "query": "", "tag": "", "tags": Tag.objects.all(), **context}
    context["columns"] = listing.column_values(row.customer.pk for row in context["rows"])
    context["filters"], context["sorts"] = listing.filters(), listing.sorts()
    context["option_notes"] = listing.notes(show=context.get("show", ""), sort=context.get("sort", ""))
    return render(request, "customers/customer_list.html", context, status=status)


@sensitive_variables("query")
def _customer_lookup(request: HttpRequest) -> HttpResponse:
    """The search box's POST: a name, archive number or mobile goes on to the
    list's address as before; an ID or bank number is looked up here — logged,
    counted against the hourly budget — and answered on this page, so the number
    never appears in an address, a server log or the browser's history."""
    query = request.POST.get("q", "")[:100]
    tag = request.POST.get("tag", "")[:30]
    if not selectors.reads_as_s3(query):
        params = urlencode({key: value for key, value in (("q", query.strip()), ("tag", tag)) if value})
        return redirect(reverse("customers:list") + (f"?{params}" if params else ""))
    if not selectors.s3_kinds(query):
        message = _("This is neither a complete ID number nor a bank number; check the digits. Nothing was searched.")
        messages.error(request, message)
        response = _list_page(request, tag=tag, not_searched=True)
    else:
        lookup = customer_lookup(
            actor=request.user, request=request, query=query, tag=tag, shown=settings.CRM_CUSTOMER_PAGE_SIZE
        )
        if lookup.refused:
            message = _(
                "You have made %(limit)d lookups by ID or bank number in the past hour, the most allowed. "
                "This one was not run, and the refusal has been recorded. Try again later."
            ) % {"limit": lookup.limit}
            messages.error(request, message)
            response = _list_page(request, status=429, tag=tag, not_searched=True)
        else:
            rights = rights_for(request)
            response = _list_page(
                request,
                rows=[CustomerPresenter(customer, rights) for customer in lookup.rows],
                tag=tag,
                lookup={
                    "masked": _masked_lookup(query, lookup.kinds),
                    "kinds": [LOOKUP_KIND_LABELS[kind] for kind in lookup.kinds],
                    "matched": lookup.matched,
                    "shown": len(lookup.rows),
                },
            )
    # The page shows what was looked up: never kept by the browser or a proxy.
    add_never_cache_headers(response)
    return response


LOOKUP_KIND_LABELS = {"id_number": gettext_lazy("ID number"), "bank_account": gettext_lazy("bank number")}


@sensitive_variables("query")
def _masked_lookup(query: str, kinds: tuple[str, ...]) -> str:
    if "id_number" in kinds:
        return masking.mask_id_number(normalize_code(query))
    return masking.mask_bank_account(normalize_bank_account(query))


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
            messages.success(
                request,
                _("Saved as draft %(archive_no)s. Check the summary, then confirm to send it for review.")
                % {"archive_no": customer.archive_no},
            )
            return redirect("customers:confirm", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": None, "reasons": {}})


@login_required
@sensitive_post_parameters(*SENSITIVE)
def customer_update(request: HttpRequest, pk: int) -> HttpResponse:
    """The maker corrects a draft or a returned entry; the maker or owner of an
    approved record proposes a change of it, which goes through review."""
    customer = _visible_customer(request, pk)
    rights = rights_for(request)
    if rights.may_request_change(customer):
        return _change_request(request, customer)
    if not rights.may_edit(customer):
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
            messages.success(request, _("Changes saved. Check the summary, then confirm to send it for review."))
            return redirect("customers:confirm", pk=customer.pk)
    returned = latest_return(customer)
    return render(
        request,
        "customers/customer_form.html",
        {
            "form": form,
            "customer": customer,
            "returned": returned,
            "reasons": returned.field_reasons if returned else {},
        },
    )


def _suggested(request: HttpRequest) -> dict[str, str]:
    """A tier or lifecycle stage suggested from the address (the customer page's
    "apply the suggestion" link): prefilled, never saved until the person sends
    the change for review."""
    if request.method != "GET":
        return {}
    offered = {"tier": Tier.values, "lifecycle_stage": LifecycleStage.values}
    return {name: request.GET[name] for name, allowed in offered.items() if request.GET.get(name) in allowed}


def _change_request(request: HttpRequest, customer: Customer) -> HttpResponse:
    pending = customer.change_requests.filter(status=ChangeStatus.PENDING).first()
    if pending is not None:
        messages.info(request, _("A change of this customer already waits for review."))
        return redirect("customers:change", pk=pending.pk)
    form = CustomerForm(request.POST or None, instance=customer, initial=_suggested(request))
    reason_form = ChangeReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and reason_form.is_valid():
        try:
            change = services.change_request_create(
                actor=request.user,
                customer=customer,
                fields=form.model_values(),
                tags=form.cleaned_data["tags"],
                reason=reason_form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                reason_form.add_error("reason", exc.error_dict.pop("reason"))
            if not hasattr(exc, "error_dict") or exc.error_dict:
                form.add_error(None, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("customers:detail", pk=customer.pk)
        else:
            messages.success(
                request,
                _("Change %(number)s sent for review. The record keeps its values until the change is approved.")
                % {"number": change.number},
            )
            return redirect("customers:change", pk=change.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer, "reason_form": reason_form, "reasons": {}},
    )


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A change request: the difference it proposes, its decisions, and — for a
    reviewer who may decide it — the decision form."""
    change = change_rights.change_for(request.user, pk)
    deciding = change_rights.deciding(request.user, change)
    presenter = CustomerPresenter(change.customer, rights_for(request), personal=deciding)
    return render(
        request,
        "customers/change_detail.html",
        {
            "change": change,
            "customer": change.customer,
            "difference": presenter.difference(services.proposed_values(change)),
            "deciding": deciding,
            "may_withdraw": change_rights.may_withdraw(request.user, change),
            "second": deciding and awaits_second_approval(CHANGE_REVIEW, change),
            "decisions": decisions_of(change)[:20],
        },
    )


@login_required
@require_POST
def change_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    change = change_rights.change_for(request.user, pk)
    button_service(
        request,
        lambda: services.change_request_withdraw(actor=request.user, change=change),
        done=_("Change %(number)s withdrawn.") % {"number": change.number},
    )
    return redirect("customers:change", pk=change.pk)


@login_required
def customer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Step two of entry: exactly what will be submitted, as stored (normalised),
    with possible duplicates; the maker confirms or goes back to the form."""
    customer = _visible_customer(request, pk)
    if not rights_for(request).may_edit(customer):
        return redirect("customers:detail", pk=customer.pk)
    duplicates, openable = duplicates_for_viewer(request.user, [customer])
    return render(
        request,
        "customers/customer_confirm.html",
        {
            "customer": customer,
            "presenter": CustomerPresenter(customer, rights_for(request)),
            "duplicates": duplicates.get(customer.pk, []),
            "openable": openable,
            "findings": validation_findings(customer) + consent_findings(customer),
        },
    )


@login_required
@require_POST
def customer_submit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _visible_customer(request, pk)
    try:
        services.customer_submit(actor=request.user, customer=customer)
    except ValidationError as exc:
        if said_already_submitted(request, customer, label=customer.archive_no):
            return redirect("home")
        for field, errors in exc.message_dict.items():
            label = customer._meta.get_field(field).verbose_name if field != "__all__" else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        messages.warning(request, _("Not submitted: correct the record first."))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(archive_no)s submitted: it now waits for review.") % {"archive_no": customer.archive_no}
        )
        return redirect("home")
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_POST
def customer_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The full value of one ID or bank number, once, logged. JSON for the page's
    script; a small page of its own without JavaScript."""
    customer = _visible_customer(request, pk)
    if field not in services.REVEALABLE:
        raise Http404
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        value = services.customer_reveal(
            actor=request.user, customer=customer, field=field, purpose=request.POST.get("purpose", ""), request=request
        )
    except services.RevealRefused as exc:
        if wants_json:
            return JsonResponse({"error": str(exc)}, status=403)
        messages.error(request, str(exc))
        return redirect("customers:detail", pk=customer.pk)
    label = customer._meta.get_field(field).verbose_name
    if wants_json:
        response = JsonResponse({"field": field, "value": value})
    else:
        response = render(request, "customers/reveal.html", {"customer": customer, "label": label, "value": value})
    add_never_cache_headers(response)
    return response


@login_required
def grant_request(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _visible_customer(request, pk)
    form = GrantRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_request(
                actor=request.user,
                customer=customer,
                purpose=form.cleaned_data["purpose"],
                hours=form.cleaned_data["hours"],
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("customers:detail", pk=customer.pk)
        else:
            messages.success(request, _("Request sent to the department's manager."))
            return redirect("customers:grants")
    return render(request, "customers/grant_request.html", {"customer": customer, "form": form})


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "customers/grants.html",
        {
            "mine": selectors.grants_of(user=request.user)[:100],
            "to_decide": selectors.grants_to_decide(user=request.user)[:100],
            "live_in_department": selectors.live_grants_of_department(user=request.user)[:100],
            "can_decide": grant_rights.may_decide_grants(request.user),
        },
    )


@login_required
@require_POST
def grant_decide(request: HttpRequest, grant_id: int, decision: str) -> HttpResponse:
    grant = grant_rights.grant_for(request.user, grant_id, decision=decision)

    def decide():
        if decision == "revoke":
            return services.grant_revoke(actor=request.user, grant=grant, request=request)
        action = {"approve": services.grant_approve, "refuse": services.grant_refuse}[decision]
        return action(actor=request.user, grant=grant, note=request.POST.get("note", ""), request=request)

    button_service(request, decide, done=_("Done."))
    return redirect("customers:grants")


@login_required
@require_POST
def customer_tags(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _visible_customer(request, pk)
    name = request.POST.get("tag", "")[:100]
    change = services.customer_tag_remove if request.POST.get("action") == "remove" else services.customer_tag_add
    button_service(request, lambda: change(actor=request.user, customer=customer, name=name), done=_("Tags updated."))
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_POST
def customer_reassign_owner(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _visible_customer(request, pk)
    new_owner = (
        selectors.department_members(department_id=customer.department_id)
        .filter(pk=object_id(request.POST.get("owner")) or 0)
        .first()
    )
    if new_owner is None:
        messages.error(request, _("Choose a member of the customer's department."))
        return redirect("customers:detail", pk=customer.pk)
    button_service(
        request,
        lambda: services.customer_reassign_owner(actor=request.user, customer=customer, new_owner=new_owner),
        done=_("Owner changed to %(name)s.") % {"name": new_owner.display_name},
    )
    return redirect("customers:detail", pk=customer.pk)
