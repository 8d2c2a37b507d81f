"""The managers' "possible duplicates" page (issue 19): the last sweep's pairs
that touch their department, each explained; dismiss one as "not the same
customer" with a reason, or propose merging them; the merge request's page,
where a second person approves or returns it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.feedback import button_service
from core.pagination import CappedPaginator
from core.parsing import object_id
from customers import services
from customers.duplicate_forms import DismissDuplicateForm, MergeProposalForm, MergeReturnForm
from customers.duplicates import differing_fields, duplicate_pairs_visible_to, merge_requests_visible_to
from customers.matching import explain
from customers.models import ChangeStatus
from customers.rights import may_handle_duplicates, may_merge_pair, rights_for

PAGE_SIZE = 50


@login_required
@require_safe
def duplicate_list(request: HttpRequest) -> HttpResponse:
    if not may_handle_duplicates(request.user):
        raise PermissionDenied(_("Only a department's manager handles its possible duplicates."))
    page = CappedPaginator(duplicate_pairs_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    department = request.user.department_id
    rows = [
        {
            "pair": pair,
            "sides": [(c, c.department_id == department) for c in (pair.first, pair.second)],
            "reason": explain(pair.rules),
            "mergeable": may_merge_pair(request.user, pair.first, pair.second),
        }
        for pair in page
    ]
    return render(request, "customers/duplicates.html", {"page": page, "rows": rows, "form": DismissDuplicateForm()})


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = duplicate_pairs_visible_to(request.user).filter(pk=pk).first()
    if pair is None:
        raise Http404
    form = DismissDuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("customers:duplicates")
    button_service(
        request,
        lambda: services.duplicate_dismiss(
            actor=request.user, first=pair.first, second=pair.second, reason=form.cleaned_data["reason"]
        ),
        done=_("Dismissed: these two records will not be reported as duplicates again."),
    )
    return redirect("customers:duplicates")


def _merge_rows(first, second, rights, names) -> list[dict]:
    from customers.models import Customer
    from customers.presentation import CustomerPresenter

    left, right = CustomerPresenter(first, rights), CustomerPresenter(second, rights)
    return [
        {"name": n, "label": Customer._meta.get_field(n).verbose_name, "first": left.value(n), "second": right.value(n)}
        for n in names
    ]


@login_required
def merge_propose(request: HttpRequest, pk: int) -> HttpResponse:
    pair = duplicate_pairs_visible_to(request.user).filter(pk=pk).first()
    if pair is None:
        raise Http404
    first, second = pair.first, pair.second
    if not may_merge_pair(request.user, first, second):
        messages.error(request, _("Both records must be of your department, and neither merged nor destroyed."))
        return redirect("customers:duplicates")
    differing = differing_fields(first, second)
    form = MergeProposalForm(request.POST or None, first=first, second=second, differing=differing)
    if request.method == "POST" and form.is_valid():
        survivor, merged, taken = form.chosen()
        try:
            merge = services.merge_propose(
                actor=request.user,
                survivor=survivor,
                merged=merged,
                take_from_merged=taken,
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Merge proposed; it waits for a second person's approval."))
            return redirect("customers:merge", pk=merge.pk)
    rows = _merge_rows(first, second, rights_for(request), differing)
    for row in rows:
        row["field"] = form[f"take_{row['name']}"]
    context = {"pair": pair, "first": first, "second": second, "form": form, "rows": rows}
    return render(request, "customers/merge_propose.html", context)


@login_required
@require_safe
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merge = merge_requests_visible_to(request.user).filter(pk=pk).first()
    if merge is None:
        raise Http404
    policy = services.MERGE_REVIEW
    pending = merge.status == ChangeStatus.PENDING
    second = policy.awaits_second_approval(merge)
    may_decide = pending and (
        policy.may_second_approve(request.user, merge) if second else policy.may_review(request.user, merge)
    )
    names = sorted(set(differing_fields(merge.survivor, merge.merged)) | set(merge.take_from_merged))
    rows = _merge_rows(merge.survivor, merge.merged, rights_for(request), names)
    for row in rows:
        row["taken"] = row["name"] in merge.take_from_merged
    context = {"merge": merge, "rows": rows, "may_decide": may_decide, "return_form": MergeReturnForm()}
    return render(request, "customers/merge_detail.html", context)


@login_required
@require_POST
def merge_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    merge = merge_requests_visible_to(request.user).filter(pk=pk).first()
    if merge is None or decision not in ("approve", "return"):
        raise Http404
    try:
        if decision == "approve":
            services.merge_approve(actor=request.user, merge=merge, version=object_id(request.POST.get("version")))
            messages.success(request, _("Approved."))
        else:
            form = MergeReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say why the records should not be merged."))
            services.merge_return(actor=request.user, merge=merge, note=form.cleaned_data["note"])
            messages.success(request, _("Returned to the proposer."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("customers:merge", pk=merge.pk)


def merged_record_response(request: HttpRequest, customer) -> HttpResponse:
    """The page of a merged record (a tombstone): sends those who may see the
    survivor there; tells the others only that it was merged."""
    from customers.selectors import customers_visible_to

    if customers_visible_to(request.user).filter(pk=customer.merged_into_id).exists():
        messages.info(request, _("%(archive_no)s was merged into this record.") % {"archive_no": customer.archive_no})
        return redirect("customers:detail", pk=customer.merged_into_id)
    return render(request, "customers/merged.html", {"customer": customer})
