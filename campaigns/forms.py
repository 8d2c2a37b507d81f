from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import SavedFilter


class SavedFilterForm(forms.ModelForm):
    class Meta:
        model = SavedFilter
        fields = [
            "name",
            "kind",
            "tier",
            "customer_nature",
            "enterprise_nature",
            "industry",
            "tag",
            "value_class",
            "completeness",
            "province",
            "city",
        ]
        help_texts = {"province": _("Exactly as the records spell it, e.g. 北京市."), "city": _("Exactly as spelled.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "input")
            if name != "name":
                field.required = False
        self.fields["tag"].empty_label = _("Any tag")

    def _folded(self, name: str) -> str:
        return unicodedata.normalize("NFKC", self.cleaned_data.get(name) or "").strip()

    def clean_name(self) -> str:
        return self._folded("name")

    def clean_province(self) -> str:
        return self._folded("province")

    def clean_city(self) -> str:
        return self._folded("city")
