"""Forms of the duplicates and merge pages (issue 19)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.validators import normalize_text


class DismissDuplicateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why they are not the same customer"),
        max_length=200,
        help_text=_("For example: father and son at the same address, different ID cards seen."),
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def clean_reason(self) -> str:
        reason = normalize_text(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Say why these are two different customers."))
        return reason
