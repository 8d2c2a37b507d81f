"""Master keys from the environment (SPEC §5).

`CRM_FIELD_KEYS` lists the master keys newest first, each `id:base64-of-32-bytes`,
comma separated: `k2:…,k1:…`. The newest wraps new data keys; the older ones are
kept only until `rotate_keys` has re-wrapped every data key. `CRM_BLIND_INDEX_KEY`
is a separate 32-byte key (base64) for the keyed blind indexes.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True)
class MasterKey:
    id: str
    aead: AESGCM = field(repr=False)


@dataclass(frozen=True)
class Keyring:
    master_keys: dict[str, MasterKey] = field(repr=False)
    newest: MasterKey
    blind_index_key: bytes = field(repr=False)


def _decode_key(name: str, value: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes (AES-256), got {len(raw)}.")
    return raw


def parse_field_keys(value: str) -> list[MasterKey]:
    keys: list[MasterKey] = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, material = item.partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "CRM_FIELD_KEYS entries look like 'id:base64key' with an id of letters, digits, '-' or '_'."
            )
        if any(k.id == key_id for k in keys):
            raise ImproperlyConfigured(f"CRM_FIELD_KEYS names key id {key_id!r} twice.")
        keys.append(MasterKey(key_id, AESGCM(_decode_key(f"CRM_FIELD_KEYS key {key_id!r}", material))))
    if not keys:
        raise ImproperlyConfigured("CRM_FIELD_KEYS holds no key.")
    return keys


@cache
def keyring() -> Keyring:
    keys = parse_field_keys(settings.CRM_FIELD_KEYS or "")
    return Keyring(
        master_keys={k.id: k for k in keys},
        newest=keys[0],
        blind_index_key=_decode_key("CRM_BLIND_INDEX_KEY", settings.CRM_BLIND_INDEX_KEY or ""),
    )


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting in {"CRM_FIELD_KEYS", "CRM_BLIND_INDEX_KEY"}:
        keyring.cache_clear()
