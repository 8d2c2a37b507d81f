"""A deleted data key loses its share in the key store when the deletion commits
(destruction, a merge's shredding): a copy of the database taken before then holds
the wrapped key but can never open it again. Rolled back, the share stays."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from vault import keystore
from vault.models import DataKey


@receiver(post_delete, sender=DataKey, dispatch_uid="vault.forget_share")
def _forget_share(sender, instance: DataKey, using: str, **kwargs) -> None:
    transaction.on_commit(partial(keystore.shares_forget, [instance.pk]), using=using)
