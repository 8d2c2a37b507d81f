from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import SupportedDatesMixin
from interactions.models import Complaint, Feedback, Interaction
from submissions.forms import OnceFormMixin

DATETIME = {"type": "datetime-local"}
FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "input")
        if isinstance(field, forms.DateTimeField):
            field.input_formats = FORMATS


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class InteractionForm(OnceFormMixin, SupportedDatesMixin, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["occurred_at", "channel", "direction", "kind", "summary", "content", "follow_up_at"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
            "follow_up_at": forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
            "content": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"follow_up_at": _("When to contact the customer again; it appears on your “my work” page then.")}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("occurred_at", _now())
        super().__init__(*args, **kwargs)
        _style(self)


class ComplaintForm(OnceFormMixin, SupportedDatesMixin, forms.ModelForm):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Complaint
        fields = ["received_at", "channel", "category", "severity", "content", "handler"]
        widgets = {
            "received_at": forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
            "content": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, department_id, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_at", _now())
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = User.objects.filter(department_id=department_id, is_active=True).order_by(
            "username"
        )
        self.fields["handler"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"
        self.fields["handler"].help_text = _("Empty: you handle it.")
        _style(self)


# No score is chosen for the clerk: the first line reads "—", and a survey sent
# without one is refused (a preselected 1 was recorded as "very dissatisfied").
SCORE_CHOICES = [
    ("", "—"),
    (1, _("1 · very dissatisfied")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 · very satisfied")),
]


class FeedbackForm(OnceFormMixin, SupportedDatesMixin, forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["surveyed_at", "service_quality", "price", "overall", "comment"]
        widgets = {
            "surveyed_at": forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
            "service_quality": forms.Select(choices=SCORE_CHOICES),
            "price": forms.Select(choices=SCORE_CHOICES),
            "overall": forms.Select(choices=SCORE_CHOICES),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("surveyed_at", _now())
        super().__init__(*args, **kwargs)
        _style(self)


class ComplaintMoveForm(forms.Form):
    to = forms.CharField(max_length=20)
    resolution = forms.CharField(required=False, max_length=5000)
    satisfaction = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "—")] + [(n, n) for n in range(1, 6)]
    )
    reason = forms.CharField(required=False, max_length=500)
