"""Abstract models every app may build on (no table of their own)."""

from __future__ import annotations

from django.db import models


class Numbered(models.Model):
    """A row known by a prefix and its number (BG000012), as the pages and messages say."""

    PREFIX = ""
    DIGITS = 6

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.PREFIX}{self.pk:0{self.DIGITS}d}" if self.pk else f"{self.PREFIX}-new"

    @property
    def number(self) -> str:
        return str(self)
