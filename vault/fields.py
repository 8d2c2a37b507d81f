"""Model fields for S3 values: `EncryptedTextField` and its `BlindIndexField`.

In Python the attribute holds the plaintext, so validators, `full_clean()` and
forms work as for any text field; in the database the column holds only
ciphertext. Decryption is lazy: a row whose value is never read is never
decrypted. A model using these fields has

- a `uid` UUID fixed at creation (the row identity bound into each ciphertext),
- a `data_key = DataKeyField()` (its own data key).

The row's data key is created on the first encryption. History rows made by
django-simple-history copy the uid, the data key and the ciphertext, and are bound
to the tracked model's label, so they decrypt exactly like the live row.
"""

from __future__ import annotations

from typing import Any

from django.core import validators
from django.db import models
from django.utils.text import capfirst

from vault import crypto


class Sealed:
    """A ciphertext loaded from the database, not decrypted yet."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return "<Sealed>"


class Revealed(str):
    """A decrypted (or freshly encrypted) value that remembers its ciphertext, so
    saving the row again — or copying it into a history row of the same row —
    writes the same ciphertext without decrypting or encrypting anything."""

    token: str
    aad: bytes

    def __new__(cls, plaintext: str, *, token: str, aad: bytes) -> Revealed:
        value = super().__new__(cls, plaintext)
        value.token = token
        value.aad = aad
        return value


def _tracked_model(instance: models.Model) -> type[models.Model]:
    # simple-history sets `instance_type` on history models: a history row is
    # bound like the row it records.
    return getattr(type(instance), "instance_type", type(instance))


class EncryptedAttribute:
    """Data descriptor: plaintext in, plaintext out, ciphertext kept alongside."""

    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        attname = self.field.attname
        if attname not in instance.__dict__:
            instance.refresh_from_db(fields=[attname])
        value = instance.__dict__[attname]
        if isinstance(value, Sealed):
            value = self.field.open(instance, value.token)
            instance.__dict__[attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = "" if value is None else value


class EncryptedTextField(models.TextField):
    """An S3 value, encrypted with the row's data key (AES-GCM)."""

    descriptor_class = EncryptedAttribute

    def __init__(self, *args: Any, plain_max_length: int = 64, **kwargs: Any) -> None:
        self.plain_max_length = plain_max_length
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        self.validators.append(validators.MaxLengthValidator(plain_max_length))

    def deconstruct(self) -> tuple:
        name, path, args, kwargs = super().deconstruct()
        kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def aad(self, instance: models.Model) -> bytes:
        return crypto.binding(_tracked_model(instance)._meta.label, self.name, instance.uid)

    def needs_encryption(self, instance: models.Model) -> bool:
        value = instance.__dict__.get(self.attname, "")
        if not value or isinstance(value, Sealed):
            return False
        return not (isinstance(value, Revealed) and value.aad == self.aad(instance))

    def _data_key(self, instance: models.Model, *, create: bool):
        if instance.data_key_id is None:
            if not create:
                raise crypto.DataKeyDestroyed(
                    f"{_tracked_model(instance)._meta.label} {instance.uid}: no data key; its values were destroyed."
                )
            return _create_data_key(instance)
        try:
            data_key = instance.data_key  # None when select_related found no row
        except crypto.DataKey.DoesNotExist:
            data_key = None
        if data_key is None:
            raise crypto.DataKeyDestroyed(
                f"{_tracked_model(instance)._meta.label} {instance.uid}: data key {instance.data_key_id} "
                "was destroyed; its values cannot be recovered."
            )
        return data_key

    def open(self, instance: models.Model, token: str) -> Revealed:
        aad = self.aad(instance)
        where = f"{_tracked_model(instance)._meta.label}.{self.name} of {instance.uid}"
        plaintext = crypto.decrypt(self._data_key(instance, create=False), token, aad=aad, where=where)
        return Revealed(plaintext, token=token, aad=aad)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = model_instance.__dict__.get(self.attname, "")
        if isinstance(value, Sealed):
            return value.token
        if not value:
            return ""
        aad = self.aad(model_instance)
        if isinstance(value, Revealed) and value.aad == aad:
            return value.token
        token = crypto.encrypt(self._data_key(model_instance, create=True), str(value), aad=aad)
        model_instance.__dict__[self.attname] = Revealed(str(value), token=token, aad=aad)
        return token

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | str:
        return Sealed(value) if value else ""

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.token
        if value and not str(value).startswith(crypto.TOKEN_PREFIX):
            # Reached only by a lookup such as filter(id_number="…"): ciphertexts are
            # randomised, so such a query could never match. Use the blind index.
            raise TypeError(f"{self.name} is encrypted: look it up through its blind index, not its value.")
        return value

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) carries the ciphertext, never the plaintext.
        value = obj.__dict__.get(self.attname, "")
        return value.token if isinstance(value, Sealed | Revealed) else ""

    def formfield(self, **kwargs: Any):
        from django import forms

        return forms.CharField(
            max_length=self.plain_max_length,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            **{k: v for k, v in kwargs.items() if k in {"widget", "label", "help_text", "required"}},
        )


def _create_data_key(instance: models.Model):
    data_key = crypto.new_data_key()
    data_key.save(force_insert=True)
    instance.data_key = data_key
    return data_key


class DataKeyField(models.ForeignKey):
    """The row's own data key. Created when the row first needs to encrypt a value,
    here or in `EncryptedTextField.pre_save`, whichever runs first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to", "vault.DataKey")
        kwargs.setdefault("on_delete", models.SET_NULL)
        kwargs.update(null=True, blank=True, editable=False, related_name="+")
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if model_instance.data_key_id is None and any(
            isinstance(f, EncryptedTextField) and f.needs_encryption(model_instance)
            for f in model_instance._meta.concrete_fields
        ):
            _create_data_key(model_instance)
        return super().pre_save(model_instance, add)


class BlindIndexField(models.CharField):
    """Keyed HMAC of another field's normalised plaintext, for exact lookup."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        if isinstance(model_instance.__dict__.get(self.source), Sealed):
            # The source was not touched since it was loaded: the index stands.
            return getattr(model_instance, self.attname)
        plaintext = getattr(model_instance, self.source)
        value = crypto.blind_index(self.source, plaintext) if plaintext else ""
        setattr(model_instance, self.attname, value)
        return value
