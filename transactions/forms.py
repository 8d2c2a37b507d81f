"""Forms for transactions, orders and contracts. Field rules are the models';
these parse what the browser sends (amounts in any common spelling)."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import SupportedDatesMixin
from submissions.forms import OnceFormMixin
from transactions.models import REVERSES, Contract, Kind, Order, Product, Status, Transaction

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class MoneyField(forms.DecimalField):
    """An amount as a clerk types it: `1,234.50`, `¥1234.5`, full-width digits."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.error_messages.update(
            invalid=_("Enter the amount as a number, for example 1280.50."),
            max_decimal_places=_("An amount has at most two decimal places (fen)."),
            max_digits=_("This amount is too large: at most 999,999,999,999.99."),
            max_whole_digits=_("This amount is too large: at most 999,999,999,999.99."),
        )
        self.widget.attrs.update({"inputmode": "decimal", "step": "0.01"})

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
            value = re.sub(r"[\s,¥￥]|CNY|RMB|元", "", value, flags=re.IGNORECASE)
            if len(value) > 40:
                raise forms.ValidationError(self.error_messages["max_digits"], code="max_digits")
        return super().to_python(value)


def _input(widget: forms.Widget) -> forms.Widget:
    widget.attrs.setdefault("class", "input")
    return widget


class TransactionForm(OnceFormMixin, SupportedDatesMixin, forms.ModelForm):
    amount = MoneyField(label=_("Amount"), widget=forms.TextInput())

    class Meta:
        model = Transaction
        fields = [
            "kind",
            "original",
            "occurred_at",
            "amount",
            "currency",
            "payment_method",
            "product",
            "quantity",
            "order_no",
            "note",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, customer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.customer = customer
        self.fields["occurred_at"].input_formats = DATETIME_FORMATS
        self.fields["product"].queryset = Product.objects.filter(active=True)
        self.fields["product"].required = False
        reversible = [k for kinds in REVERSES.values() for k in kinds]
        originals = Transaction.objects.filter(customer=customer, status=Status.APPROVED, kind__in=reversible)
        self.fields["original"].queryset = originals.order_by("-occurred_at")
        self.fields["original"].label_from_instance = lambda t: (
            f"{t.number} · {t.get_kind_display()} · {t.amount} {t.currency} · {t.occurred_at:%Y-%m-%d}"
        )
        self.fields["original"].help_text = _("For a return or a refund: the purchase or payment it reverses.")
        self.fields["currency"].widget.attrs.update({"maxlength": 3, "class": "input uppercase"})
        for field in self.fields.values():
            _input(field.widget)

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def model_values(self) -> dict:
        return dict(self.cleaned_data)


class OrderForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = Order
        fields = ["order_no", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _input(field.widget)


class ContractForm(OnceFormMixin, SupportedDatesMixin, forms.ModelForm):
    amount = MoneyField(label=_("Amount"), widget=forms.TextInput())

    class Meta:
        model = Contract
        fields = ["contract_no", "title", "signed_on", "amount", "currency", "starts_on", "ends_on"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _input(field.widget)

    def clean_currency(self) -> str:
        return (self.cleaned_data.get("currency") or "").strip().upper()


KIND_CHOICES = [("", _("All kinds")), *Kind.choices]
STATUS_CHOICES = [("", _("All statuses")), *Status.choices]


class TransactionFilterForm(SupportedDatesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        for field in self.fields.values():
            _input(field.widget)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["since"] > cleaned["until"]:
            self.add_error("until", _("The end of the range is before its start."))
        return cleaned
