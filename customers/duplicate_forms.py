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


class MergeProposalForm(forms.Form):
    """Which record survives, and for each field where the two differ, whose value
    it keeps. `differing` names those fields (the page shows both values, S3 masked)."""

    survivor = forms.ChoiceField(label=_("Record that survives"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why they are the same customer"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args, first, second, differing: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.first, self.second, self.differing = first, second, differing
        sides = [(str(first.pk), first.archive_no), (str(second.pk), second.archive_no)]
        self.fields["survivor"].choices = sides
        self.fields["survivor"].initial = str(first.pk)
        for name in differing:
            # Unanswered: the survivor's value stays.
            self.fields[f"take_{name}"] = forms.ChoiceField(
                choices=sides, initial=str(first.pk), widget=forms.RadioSelect, label=name, required=False
            )

    def clean_reason(self) -> str:
        reason = normalize_text(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Say why these are one customer."))
        return reason

    def chosen(self) -> tuple[object, object, list[str]]:
        """(survivor, merged, the fields the merged record's value wins)."""
        survivor_pk = self.cleaned_data["survivor"]
        survivor, merged = (self.first, self.second) if survivor_pk == str(self.first.pk) else (self.second, self.first)
        taken = [name for name in self.differing if self.cleaned_data[f"take_{name}"] == str(merged.pk)]
        return survivor, merged, taken


class MergeReturnForm(forms.Form):
    note = forms.CharField(label=_("Why not"), max_length=200, widget=forms.TextInput(attrs={"class": "input"}))
