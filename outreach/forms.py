from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.selectors import department_members
from interactions.forms import FeedbackForm
from interactions.models import Channel
from outreach.calendar import Occasion
from outreach.models import CorrectiveAction, SurveyRound
from submissions.forms import OnceFormMixin

DATE = {"type": "date"}


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "input")


class GreetingSendForm(forms.Form):
    customer = forms.IntegerField(min_value=1, max_value=2**62)
    occasion = forms.ChoiceField(choices=Occasion.choices)
    on = forms.DateField(input_formats=["%Y-%m-%d"])
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices, initial=Channel.WECHAT)


class RoundOpenForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = SurveyRound
        fields = ["title", "sample_share", "target_rate"]

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("target_rate", 60)
        super().__init__(*args, **kwargs)
        _style(self)


class AnswerForm(FeedbackForm):
    """A survey answer, exactly as the customer page records one."""


class ActionForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d")}

    def __init__(self, *args, department_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = department_members(department_id=department_id)
        self.fields["owner"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"
        self.fields["due_on"].input_formats = ["%Y-%m-%d"]
        _style(self)


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=500)
