from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AccessLog
from core.forms import SupportedDatesMixin


class AccessLogFilter(SupportedDatesMixin, forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    customer = forms.CharField(label=_("Archive number"), required=False, max_length=20)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All")), *AccessLog.Action.choices])
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ChangesFilter(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    customer = forms.CharField(label=_("Archive number"), required=False, max_length=20)
