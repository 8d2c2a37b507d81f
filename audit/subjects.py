"""The records the access log and the change trail speak of, plugged in by the
app that owns them (customers, in `CustomersConfig.ready`), so audit — below
every domain app — imports none of them: the security officer's pages ask this
module for the model, its field labels and how a value is shown (masked)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst


@dataclass(frozen=True)
class Subject:
    """A model whose reads are logged and whose changes the trail pages list.
    `show(name, value)` renders one stored value for a security officer (masked)."""

    model: type[models.Model]
    show: Callable[[str, object], str]

    def field_labels(self) -> dict[str, str]:
        return {f.name: capfirst(f.verbose_name) for f in self.model._meta.fields}

    def history_model(self) -> type[models.Model]:
        return self.model.history.model


_SUBJECTS: dict[str, Subject] = {}


def subject_register(name: str, subject: Subject) -> None:
    _SUBJECTS[name] = subject


def subject(name: str) -> Subject:
    return _SUBJECTS[name]
