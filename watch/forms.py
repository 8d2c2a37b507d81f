"""The watch's forms. An account is named by its user name and looked up only
among the accounts the officer watches: one outside the scope is "no such account",
the same answer as a name that does not exist."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from watch import rights, selectors
from watch.models import IncidentStatus


class AccountWindowForm(forms.Form):
    user = forms.CharField(label=_("Account (user name)"), max_length=150)
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, reader: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.reader = reader
        self.account: User | None = None

    def clean_user(self) -> str:
        name = self.cleaned_data["user"].strip()
        account = selectors.accounts_in_scope(self.reader).filter(username=name).first()
        if account is None or not rights.may_investigate(self.reader, account):
            raise forms.ValidationError(_("No such account among those you watch."))
        self.account = account
        return name

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The window ends before it starts: put the earlier day first."))
        return data

    @property
    def window(self):
        return selectors.window(self.cleaned_data["since"], self.cleaned_data["until"])

    @staticmethod
    def last_week() -> dict[str, str]:
        today = timezone.localdate()
        return {"since": (today - timedelta(days=7)).isoformat(), "until": today.isoformat()}


class IncidentForm(AccountWindowForm):
    description = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(
        label=_("Measures taken"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)


class IncidentUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)
    measures = forms.CharField(
        label=_("Measures taken"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False)


class LockForm(forms.Form):
    # The incident the lock answers, when it was started from one (kept with the lock).
    incident = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(
        label=_("I understand: the account is disabled and its sessions, grants and API tokens end now.")
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("What you found"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
