"""`OnceFormMixin`: a create form that can be sent only once.

The form renders a hidden `form_token` with a fresh random value every time it is
shown (also when it is shown again with errors). When the form is otherwise valid,
the token is spent (`UsedFormToken`, unique): the same POST a second time — a
double click, the browser's resend, a second tab holding the same page — is
answered with a message beside the form and makes no second row.

A POST without a token (a script, a test client) is not protected and not
refused; every page of the app sends one."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.models import UsedFormToken

FIELD = "form_token"
KEEP_SPENT_TOKENS = timedelta(days=2)  # longer than a session (8 hours) and a CSRF-protected page's life
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class FormTokenField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "")
        super().__init__(**kwargs)

    def bound_data(self, data, initial):
        # Shown again (with errors), the form carries a new token, never the spent one.
        return initial

    def has_changed(self, initial, data) -> bool:
        return False


class OnceFormMixin(forms.BaseForm):
    """Put first among the bases: `class OrderForm(OnceFormMixin, forms.ModelForm)`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = FormTokenField()
        self.initial[FIELD] = secrets.token_urlsafe(24)

    def _post_clean(self) -> None:
        super()._post_clean()
        self.cleaned_data.pop(FIELD, None)  # never reaches a service
        token = self.data.get(FIELD) or ""
        if not token:
            return
        if not isinstance(token, str) or not _TOKEN.match(token):
            self.add_error(
                None, forms.ValidationError(_("This form is damaged: reload the page and try again."), code="bad_token")
            )
        elif self.errors:
            # The second copy may fail another rule first (a number now taken by
            # the first copy): say what really happened.
            if UsedFormToken.objects.filter(token=token).exists():
                self.add_error(None, _sent_twice())
        else:
            self._spend(token)

    def _spend(self, token: str) -> None:
        try:
            with transaction.atomic():
                UsedFormToken.objects.create(token=token)
        except IntegrityError:
            self.add_error(None, _sent_twice())
            return
        UsedFormToken.objects.filter(used_at__lt=timezone.now() - KEEP_SPENT_TOKENS).delete()


def _sent_twice() -> forms.ValidationError:
    return forms.ValidationError(
        _(
            "This form was already sent (a double click, or the same page sent again): "
            "it was saved once. Look for it on the customer's page or on “my work” "
            "before entering it again."
        ),
        code="sent_twice",
    )
