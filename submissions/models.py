"""One-time form tokens: a create form sent twice (a double click, the back button
and resend, a duplicated tab) makes one row, not two."""

from django.db import models
from django.utils import timezone


class UsedFormToken(models.Model):
    """A form token that was spent. The unique constraint is what makes a token
    single-use under a race: of two requests carrying it, one INSERT wins and the
    other gets an IntegrityError, whichever process or database serves them."""

    token = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"form token used at {self.used_at:%Y-%m-%d %H:%M}"
