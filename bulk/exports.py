"""Masked exports of customers and transactions (SPEC §5, issue 8): only rows
the user may see, each value as their tier shows it (ID and bank numbers always
masked), streamed, and logged with the row count and the filter used."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from audit.models import AccessLog
from audit.services import access_log_record
from bulk import spreadsheets
from customers import selectors as customer_selectors
from customers.models import Customer
from customers.presentation import CustomerPresenter
from customers.rights import rights_for
from transactions import selectors as transaction_selectors
from transactions.models import Transaction

CUSTOMER_COLUMNS = (
    "archive_no",
    "name",
    "kind",
    "status",
    "tier",
    "id_type",
    "id_number",
    "mobile",
    "email",
    "province",
    "city",
    "district",
    "address",
    "bank_account",
    "lifecycle_stage",
    "source_channel",
)


def _label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def _customers(request: HttpRequest, filters: dict) -> tuple[list[str], object, callable]:
    rows = customer_selectors.customer_list(user=request.user, query=filters["q"], tag=filters["tag"])
    rights = rights_for(request)

    def line(customer: Customer) -> list[str]:
        presenter = CustomerPresenter(customer, rights)
        return [
            *(presenter.value(name) if name != "archive_no" else customer.archive_no for name in CUSTOMER_COLUMNS),
            str(customer.department),
            timezone.localtime(customer.created_at).strftime("%Y-%m-%d %H:%M"),
        ]

    headers = [_label(Customer, n) for n in CUSTOMER_COLUMNS] + [_("Department"), _("Created")]
    return headers, rows, line


def _transactions(request: HttpRequest, filters: dict) -> tuple[list[str], object, callable]:
    rows = transaction_selectors.transaction_list(
        user=request.user, kind=filters["kind"], status=filters["status"]
    ).select_related("customer", "department", "product")

    def line(txn: Transaction) -> list[str]:
        return [
            txn.number,
            timezone.localtime(txn.occurred_at).strftime("%Y-%m-%d %H:%M"),
            txn.customer.archive_no,
            txn.customer.name,
            str(txn.get_kind_display()),
            txn.signed_amount,  # a number in the sheet, negative for outflows
            txn.currency,
            str(txn.product or ""),
            str(txn.get_status_display()),
            str(txn.department),
        ]

    headers = [
        _("Number"),
        _label(Transaction, "occurred_at"),
        _("Archive number"),
        _("Name"),
        _label(Transaction, "kind"),
        _label(Transaction, "amount"),
        _label(Transaction, "currency"),
        _label(Transaction, "product"),
        _label(Transaction, "status"),
        _("Department"),
    ]
    return headers, rows, line


@sensitive_variables("filters")
def export_filters(request: HttpRequest) -> tuple[dict[str, str], dict[str, object]]:
    """The filters an export applies, and what its log entry says of them.

    An export link is a GET, so an ID or bank number in it is neither searched
    (the blind index is for the list's logged POST lookup only) nor written to the
    log: the entry says which kind of value was withheld, never the value."""
    filters = {key: request.GET.get(key, "")[:100] for key in ("q", "tag", "kind", "status")}
    logged: dict[str, object] = {}
    for key, value in filters.items():
        if value:
            logged[key] = customer_selectors.loggable_filter(value)
    if customer_selectors.reads_as_s3(filters["q"]):
        filters["q"] = ""
    return filters, logged


def export(request: HttpRequest, *, what: str, file_format: str) -> HttpResponse:
    filters, logged = export_filters(request)
    headers, rows, line = (_customers if what == "customers" else _transactions)(request, filters)
    count = rows.count()
    access_log_record(
        action=AccessLog.Action.EXPORT,
        actor=request.user,
        request=request,
        detail={"what": what, "format": file_format, "rows": count, "filter": logged},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{what}-{stamp}.{file_format}"

    def lines() -> Iterator[list[object]]:
        for obj in rows.iterator(chunk_size=2000):
            yield line(obj)

    # Cells are written by bulk.spreadsheets: never a formula, and no file on disk.
    if file_format == "csv":
        response = StreamingHttpResponse(
            spreadsheets.csv_lines(_with_header(headers, lines())), content_type=spreadsheets.CSV_TYPE
        )
    else:
        response = StreamingHttpResponse(
            spreadsheets.xlsx_chunks([(what, _with_header(headers, lines()))]), content_type=spreadsheets.XLSX_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _with_header(headers: list[str], lines: Iterator[list[str]]) -> Iterator[list[str]]:
    yield headers
    yield from lines
