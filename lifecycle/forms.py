from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import SupportedDatesMixin
from customers.models import Customer
from lifecycle.models import (
    ArchiveRequest,
    DestructionBasis,
    DestructionRequest,
    LegalHold,
    Reverification,
    SubjectRequest,
)

NO_VALUES = _("Say why in the procedure's words; never write a personal value here.")


class DestructionRequestForm(forms.ModelForm):
    basis = forms.ChoiceField(label=_("basis"), choices=DestructionBasis.choices)

    class Meta:
        model = DestructionRequest
        fields = ["basis", "reason"]
        help_texts = {"reason": NO_VALUES}


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=200, required=False, help_text=NO_VALUES)


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["reason"]
        help_texts = {"reason": NO_VALUES}


class ArchiveRequestForm(forms.ModelForm):
    class Meta:
        model = ArchiveRequest
        fields = ["reason"]
        help_texts = {"reason": NO_VALUES}


class ReverificationForm(forms.ModelForm):
    class Meta:
        model = Reverification
        fields = ["outcome", "method", "note"]
        help_texts = {"note": NO_VALUES}


def _customer_field_choices() -> list[tuple[str, str]]:
    return [
        (f.name, capfirst(f.verbose_name))
        for f in Customer._meta.concrete_fields
        if f.editable and not f.name.endswith("_index") and f.name not in {"id", "uid"}
    ]


class SampleResultForm(forms.Form):
    correct = forms.TypedChoiceField(
        label=_("result"),
        choices=[("1", _("Correct")), ("0", _("Wrong"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    wrong_fields = forms.MultipleChoiceField(
        label=_("wrong fields"), choices=_customer_field_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False, help_text=NO_VALUES)


class SubjectRequestForm(SupportedDatesMixin, forms.ModelForm):
    class Meta:
        model = SubjectRequest
        fields = ["kind", "received_on"]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"})}


class IdentityForm(forms.Form):
    method = forms.CharField(
        label=_("identity checked how"),
        max_length=100,
        help_text=_("For example: resident ID card shown at the counter, compared with the record."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), max_length=200, required=False, help_text=NO_VALUES)
