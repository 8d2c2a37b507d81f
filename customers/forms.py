from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import SupportedDatesMixin
from customers.entry_checks import REQUIRED_FOR_A_CHILD, REQUIRED_FOR_REVIEW, consent_errors
from customers.models import DEFAULT_GRANT_HOURS, MAX_GRANT_HOURS, Customer, Kind, Tag
from customers.presentation import FIELD_GROUPS, S3_MASKS, applies_to
from submissions.forms import OnceFormMixin

FORM_FIELDS = [name for _key, _title, names in FIELD_GROUPS for name in names]

# Fields the model normalises (spaces, dashes, full-width digits) before it checks
# their length: the form must not measure the spelling people type. 64 characters
# bounds the junk a form accepts; the model then says what the value should be.
NORMALISED_FIELDS = ("id_number", "bank_account", "postal_code", "mobile", "phone")
TYPED_MAX_LENGTH = 64


PHONE_FORMATS = {
    "mobile": _(
        "Enter a mobile number: 11 digits starting with 1 (e.g. 138 1234 5678), +86 in front allowed; "
        "a foreign number starts with + and its country code."
    ),
    "phone": _(
        "Enter a phone number with its area code (e.g. 010-6512 3456) or a mobile number; "
        "a foreign number starts with + and its country code."
    ),
}


class StepOneChecksMixin(forms.BaseForm):
    """Says at step 1 what review would refuse: the consent and guardian rules
    beside their fields (before the one-time token is spent: put it after
    `OnceFormMixin` among the bases), and which format a phone number takes."""

    def _post_clean(self) -> None:
        super()._post_clean()
        for name, messages in consent_errors(self.instance).items():
            if name in self.fields and not self.has_error(name):
                for message in messages:
                    self.add_error(name, message)
        for name, message in PHONE_FORMATS.items():
            if self.has_error(name, code="invalid"):
                self.errors[name] = self.error_class([message])

    def required_marks(self) -> dict[str, str]:
        """The mark beside each label: "*" for what every entry needs (the
        consent fields included), "*" with a note for what a child needs."""
        marks = {name: "*" for name, field in self.fields.items() if field.required}
        marks.update(dict.fromkeys(REQUIRED_FOR_REVIEW, "*"))
        marks.update({name: str(_("* under 14")) for name in REQUIRED_FOR_A_CHILD})
        marks["contact_person"] = str(_("* organizations"))
        return marks


class CustomerForm(OnceFormMixin, StepOneChecksMixin, SupportedDatesMixin, forms.ModelForm):
    """The entry form. Field rules are the model's (`Customer.full_clean`); this
    form only parses what the browser sends, so every way in gets one verdict.

    Text-like inputs are parsed as plain text here and normalised by the model
    (full-width characters, spaces, case), so the form never refuses a valid value
    for its spelling before the model has seen it."""

    email = forms.CharField(label=capfirst(_("e-mail")), required=False, max_length=254)
    tags = forms.ModelMultipleChoiceField(
        label=capfirst(_("tags")),
        queryset=Tag.objects.all(),
        to_field_name="name",  # names, not ids: a forged huge id cannot reach the database
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Customer
        fields = FORM_FIELDS
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "relationship_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "retention_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "consent_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "guardian_consent_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "interests": forms.Textarea(attrs={"rows": 2}),
            "pain_points": forms.Textarea(attrs={"rows": 2}),
            "product_needs": forms.Textarea(attrs={"rows": 2}),
            "competitors": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("mobile", "phone"):
            self.fields[name] = forms.CharField(
                label=capfirst(Customer._meta.get_field(name).verbose_name), required=False
            )
            if self.instance.pk and getattr(self.instance, name):
                self.initial[name] = getattr(self.instance, name).as_e164
        for name in NORMALISED_FIELDS:
            # `110105 19900307 021X` is 20 characters as typed and 18 once
            # normalised: no maxlength in the browser, no length check before the model's.
            field = self.fields[name]
            field.max_length = TYPED_MAX_LENGTH
            field.validators = [
                *(x for x in field.validators if not isinstance(x, MaxLengthValidator)),
                MaxLengthValidator(TYPED_MAX_LENGTH),
            ]
            field.widget.attrs.pop("maxlength", None)
        for name in ("consent_at", "guardian_consent_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["bank_account"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk:
            # An S3 value is never sent back to the browser, not even to its maker:
            # the input starts empty and "empty" keeps the stored value.
            for name, mask in S3_MASKS.items():
                self.initial[name] = ""
                current = getattr(self.instance, name)
                if current:
                    self.fields[name].widget.attrs["placeholder"] = mask(current)
                    self.fields[name].help_text = _("Leave empty to keep %(masked)s.") % {"masked": mask(current)}
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select | forms.TextInput | forms.Textarea | forms.DateInput):
                field.widget.attrs.setdefault("class", "input")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind
        for name in FORM_FIELDS:
            # The page hides fields of the other kind; what they held does not count.
            if not applies_to(name, kind) and name in cleaned:
                cleaned[name] = None if Customer._meta.get_field(name).null else ""
        if self.instance.pk:
            for name in S3_MASKS:
                cleared_type = name == "id_number" and not cleaned.get("id_type")
                if not cleaned.get(name) and not cleared_type and getattr(self.instance, name):
                    cleaned[name] = getattr(self.instance, name)
        return cleaned

    def model_values(self) -> dict:
        """Cleaned values of the model's own fields (tags go separately)."""
        return {name: self.cleaned_data[name] for name in FORM_FIELDS if name != "tags"}

    def grouped(self) -> list[tuple[str, object, str, list[tuple[forms.BoundField, str]]]]:
        """Sections of (field, scope): scope names the only kind the field applies
        to ("individual" / "organization"), or is empty when it applies to both."""

        def scope(name: str) -> str:
            if applies_to(name, Kind.INDIVIDUAL) and applies_to(name, Kind.ORGANIZATION):
                return ""
            return Kind.INDIVIDUAL if applies_to(name, Kind.INDIVIDUAL) else Kind.ORGANIZATION

        sections = []
        for key, title, names in FIELD_GROUPS:
            scopes = {scope(name) for name in names}
            group_scope = scopes.pop() if len(scopes) == 1 else ""
            sections.append((key, title, group_scope, [(self[name], scope(name)) for name in names]))
        return sections


class GrantRequestForm(OnceFormMixin, forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "input"}),
        max_length=500,
        help_text=_("Why you need the full ID or bank number; the manager and the access log see it."),
    )
    hours = forms.IntegerField(
        label=_("For how many hours"),
        min_value=1,
        max_value=MAX_GRANT_HOURS,
        initial=DEFAULT_GRANT_HOURS,
        widget=forms.NumberInput(attrs={"class": "input"}),
    )


class ChangeReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=200,
        help_text=_("What happened, and which document shows it (for example: new ID card issued 2026-05-01)."),
        widget=forms.TextInput(attrs={"class": "input"}),
    )
