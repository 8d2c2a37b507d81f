"""Envelope encryption with AES-GCM (SPEC §5).

A master key (from the environment) wraps each subject's data key; the data key
encrypts the subject's S3 values. Every ciphertext carries its own random 96-bit
nonce and is authenticated together with associated data naming the model, the
field and the row's stable UUID, so a value copied to another row or field fails
to decrypt instead of showing up in the wrong place.

Every failure raises `VaultError` with a message naming the key involved; nothing
here ever returns ciphertext or an empty string in place of a value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.errors import StoredValueUnreadable
from vault import keystore
from vault.keys import keyring
from vault.models import DataKey

# `bench pages` sets this to count what each page decrypts (it receives the
# `where` of each value: model, field and row uid, never a value); otherwise
# None, and decrypting costs one comparison more.
on_decrypt = None

TOKEN_PREFIX = "v1:"  # noqa: S105 — a format marker, not a secret
NONCE_BYTES = 12


class VaultError(StoredValueUnreadable):
    """A value or key cannot be decrypted or encrypted. Never carries plaintext."""


class DataKeyDestroyed(VaultError):
    """The subject's data key was deleted (crypto-shredded): its values are gone."""


class MasterKeyUnavailable(VaultError):
    """A data key cannot be unwrapped: its master key is not in CRM_FIELD_KEYS, or
    the key given under that id is not the one it was wrapped with. An operator's
    problem, not the user's: `master_key_id` names the key to put back."""

    def __init__(self, message: str, *, master_key_id: str) -> None:
        super().__init__(message)
        self.master_key_id = master_key_id

    def log_line(self, path: str) -> tuple:
        return (
            "Master key %r is unavailable (%s) on %s. Put the key with that id back into "
            "CRM_FIELD_KEYS (it may follow newer keys) and restart; then `manage.py rotate_keys` "
            "re-wraps every data key under the newest one.",
            self.master_key_id,
            self,
            path,
        )


def _wrap_aad(data_key_id: uuid.UUID, master_key_id: str) -> bytes:
    return b"custodian/data-key/" + data_key_id.bytes + b"/" + master_key_id.encode()


def _wrap(data_key_id: uuid.UUID, plain_key: bytes) -> tuple[str, bytes]:
    master = keyring().newest
    nonce = os.urandom(NONCE_BYTES)
    return master.id, nonce + master.aead.encrypt(nonce, plain_key, _wrap_aad(data_key_id, master.id))


def new_data_key() -> DataKey:
    """An unsaved data key, fresh and random: its share is written to the key
    store (outside the database) and the key masked by it is wrapped by the newest
    master key. Both are needed to open it again."""
    key_id, share = keystore.allocate()
    data_key = DataKey(id=key_id)
    plain = AESGCM.generate_key(bit_length=256)
    data_key.master_key_id, data_key.wrapped = _wrap(data_key.id, keystore.mask(plain, share))
    data_key._aead = AESGCM(plain)
    return data_key


def split_existing(data_key) -> None:
    """Give a data key wrapped before the key store existed its share (migration
    vault 0002): the plain key is re-wrapped masked by a fresh share."""
    plain = _unwrap_bytes(data_key)
    share = keystore.share_new(data_key.id)
    data_key.master_key_id, data_key.wrapped = _wrap(data_key.id, keystore.mask(plain, share))


def join_existing(data_key) -> None:
    """The reverse of `split_existing` (migrating back): the share folded in, then deleted."""
    plain = _plain_key(data_key)
    data_key.master_key_id, data_key.wrapped = _wrap(data_key.id, plain)
    keystore.shares_forget([data_key.id])


def _plain_key(data_key: DataKey) -> bytes:
    masked = _unwrap_bytes(data_key)
    share = keystore.share_get(data_key.id)
    if share is None:
        raise DataKeyDestroyed(
            f"Data key {data_key.id} has no share in the key store (CRM_KEY_STORE): it was destroyed, "
            "or this database is a copy taken before its destruction."
        )
    return keystore.mask(masked, share)


def _unwrap_bytes(data_key: DataKey) -> bytes:
    master = keyring().master_keys.get(data_key.master_key_id)
    if master is None:
        raise MasterKeyUnavailable(
            f"Data key {data_key.id} is wrapped by master key {data_key.master_key_id!r}, "
            "which is not in CRM_FIELD_KEYS. Add that key back, then run rotate_keys.",
            master_key_id=data_key.master_key_id,
        )
    wrapped = bytes(data_key.wrapped)
    try:
        return master.aead.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(data_key.id, master.id))
    except InvalidTag as exc:
        raise MasterKeyUnavailable(
            f"Data key {data_key.id} does not unwrap with master key {master.id!r}: "
            "the key material is wrong or the wrapped key was altered.",
            master_key_id=master.id,
        ) from exc


def unwrap(data_key: DataKey) -> AESGCM:
    """The data key's cipher, unwrapped once per loaded row and kept on it."""
    cached = getattr(data_key, "_aead", None)
    if cached is None:
        cached = data_key._aead = AESGCM(_plain_key(data_key))
    return cached


def rewrap(data_key: DataKey) -> bool:
    """Re-wrap under the newest master key (no value is re-encrypted).
    Returns False if it already was."""
    if data_key.master_key_id == keyring().newest.id:
        return False
    masked = _unwrap_bytes(data_key)  # the share stays as it is
    data_key.master_key_id, data_key.wrapped = _wrap(data_key.id, masked)
    return True


def binding(label: str, field_name: str, row_uid: uuid.UUID) -> bytes:
    """Associated data that ties a ciphertext to one field of one row."""
    return f"custodian/{label}/{field_name}/{row_uid}".encode()


def encrypt(data_key: DataKey, plaintext: str, *, aad: bytes) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = unwrap(data_key).encrypt(nonce, plaintext.encode(), aad)
    return TOKEN_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(data_key: DataKey, token: str, *, aad: bytes, where: str) -> str:
    if on_decrypt is not None:
        on_decrypt(where)
    if not token.startswith(TOKEN_PREFIX):
        raise VaultError(f"{where}: stored value is not a Custodian ciphertext.")
    try:
        raw = base64.b64decode(token[len(TOKEN_PREFIX) :], validate=True)
        return unwrap(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
    except (InvalidTag, ValueError) as exc:
        raise VaultError(
            f"{where}: ciphertext does not decrypt with data key {data_key.id} "
            f"(master key {data_key.master_key_id!r}): it was altered or belongs to another row or field."
        ) from exc


def blind_index(domain: str, normalised_value: str) -> str:
    """Keyed HMAC-SHA256 of a normalised value, for exact lookup without decrypting."""
    message = domain.encode() + b"\x00" + normalised_value.encode()
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()
