from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from api.models import TokenRole
from submissions.forms import OnceFormMixin


class TokenForm(OnceFormMixin, forms.Form):
    system_name = forms.CharField(
        label=_("System"),
        max_length=100,
        help_text=_("The system that will use the token, as your colleagues call it (e.g. 网银系统)."),
        widget=forms.TextInput(attrs={"class": "input"}),
    )
    role = forms.ChoiceField(label=_("Rights"), choices=TokenRole.choices, widget=forms.RadioSelect)
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.CRM_API_TOKEN_MAX_DAYS,
        initial=settings.CRM_API_TOKEN_DAYS,
        widget=forms.NumberInput(attrs={"class": "input"}),
    )
