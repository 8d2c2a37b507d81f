from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lifecycle.models import ArchiveRequest, DestructionBasis, DestructionRequest, LegalHold, Reverification

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
