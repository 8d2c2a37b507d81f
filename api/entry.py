"""Writes through the API: the page's own form parses the body, so a field gets
the same verdict (and the same message, in the request's language) as on the
page; then the page's service writes — a customer or a transaction is entered
and sent for review in one step, waiting for a reviewer as a clerk's entry does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from rest_framework import exceptions

from accounts.models import User
from customers import services as customer_services
from customers.forms import CustomerForm
from customers.models import Customer
from customers.rights import customer_for
from interactions import rights as interaction_rights
from interactions import services as interaction_services
from interactions.forms import ComplaintForm, InteractionForm
from submissions.forms import FIELD as FORM_TOKEN
from transactions import services as transaction_services
from transactions.forms import TransactionForm

NON_FIELD = "non_field_errors"


@sensitive_variables("body", "data", "value", "values")
def as_form_data(body: object) -> QueryDict:
    """A JSON object as a browser would post it: each value a string (a list for
    a multi-valued field). Anything else is refused beside its field."""
    if not isinstance(body, dict):
        raise exceptions.ValidationError({NON_FIELD: [_("Send a JSON object.")]})
    data = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    for name, value in body.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, dict | list) for v in values):
            errors[str(name)] = [_("Send a plain value (text, a number or a list of texts).")]
            continue
        data.setlist(
            str(name), ["" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for v in values]
        )
    if errors:
        raise exceptions.ValidationError(errors)
    return data


def form_errors(errors: forms.utils.ErrorDict | dict) -> dict[str, list[str]]:
    return {(NON_FIELD if name == "__all__" else name): [str(m) for m in messages] for name, messages in errors.items()}


def validation_error(exc: ValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as a 400 with field-level messages."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(form_errors(exc.message_dict))
    return exceptions.ValidationError({NON_FIELD: [str(m) for m in exc.messages]})


def customer_of(user: User, data: QueryDict) -> Customer:
    """The body's `customer`: one the caller may see, or a 404 (missing and out of scope alike)."""
    value = data.get("customer", "")
    if not value.isdigit():
        raise exceptions.ValidationError({"customer": [_("Give the customer's id (a number).")]})
    return customer_for(user, value)


@dataclass(frozen=True)
class Entry:
    form: Callable[[QueryDict, Customer | None], forms.BaseForm]
    write: Callable[[User, Customer | None, forms.BaseForm], object]
    permission: str
    needs_customer: bool = True


@transaction.atomic
def _customer_enter(actor: User, _customer, form: CustomerForm) -> Customer:
    customer = customer_services.customer_create(
        actor=actor, fields=form.model_values(), tags=form.cleaned_data["tags"], reason=_("Entered through the API")
    )
    return customer_services.customer_submit(actor=actor, customer=customer)


@transaction.atomic
def _transaction_enter(actor: User, customer: Customer, form: TransactionForm):
    txn = transaction_services.transaction_create(actor=actor, customer=customer, fields=form.model_values())
    return transaction_services.transaction_submit(actor=actor, txn=txn)


def _complaint_form(data: QueryDict, customer: Customer) -> ComplaintForm:
    form = ComplaintForm(data, department_id=customer.department_id)
    form.fields["handler"].queryset = interaction_rights.eligible_handlers(department_id=customer.department_id)
    return form


ENTRIES = {
    "customer": Entry(
        form=lambda data, _c: CustomerForm(data),
        write=_customer_enter,
        permission="customers.add_customer",
        needs_customer=False,
    ),
    "transaction": Entry(
        form=lambda data, c: TransactionForm(data, customer=c),
        write=_transaction_enter,
        permission="transactions.add_transaction",
    ),
    "contact": Entry(
        form=lambda data, _c: InteractionForm(data),
        write=lambda actor, c, form: interaction_services.interaction_log(
            actor=actor, customer=c, fields=form.cleaned_data
        ),
        permission="interactions.add_interaction",
    ),
    "complaint": Entry(
        form=_complaint_form,
        write=lambda actor, c, form: interaction_services.complaint_receive(
            actor=actor, customer=c, fields=form.cleaned_data
        ),
        permission="interactions.add_complaint",
    ),
}


def _defaults_for_the_unsent(form: forms.BaseForm, data: QueryDict) -> None:
    """A field the body leaves out takes the value the page's form starts with
    (the model's default: tier "general", currency "CNY", now for a contact's time)."""
    for name, field in form.fields.items():
        if name in data or field.disabled or name == FORM_TOKEN:
            continue
        initial = form.get_initial_for_field(field, name)
        if isinstance(initial, str | int) and not isinstance(initial, bool) and initial != "":
            data[name] = str(initial)


@sensitive_variables("body", "data", "form")
def enter(kind: str, *, actor: User, body: object):
    """Parse `body` with the page's form and write it with the page's service.
    Raises DRF's ValidationError (400, field by field), Http404 for a customer out
    of scope, and PermissionDenied (403) for a role that does not enter this."""
    entry = ENTRIES[kind]
    if not actor.has_role_permission(entry.permission):
        raise PermissionDenied(_("This token's rights do not enter these records."))
    data = as_form_data(body)
    customer = customer_of(actor, data) if entry.needs_customer else None
    form = entry.form(data, customer)
    _defaults_for_the_unsent(form, data)
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form.errors))
    try:
        return entry.write(actor, customer, form)
    except ValidationError as exc:
        raise validation_error(exc) from exc
