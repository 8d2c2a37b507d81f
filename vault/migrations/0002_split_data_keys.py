"""Every existing data key gets its share in the key store (CRM_KEY_STORE): the key
is re-wrapped masked by the share, so this database alone no longer opens it."""

from django.db import migrations


def _every(model):
    """Every row, in batches by id (no open cursor while rows are written)."""
    last = None
    while True:
        rows = model.objects.order_by("id")
        if last is not None:
            rows = rows.filter(id__gt=last)
        batch = list(rows[:1000])
        if not batch:
            return
        yield from batch
        last = batch[-1].id


def split(apps, schema_editor):
    from vault import crypto

    DataKey = apps.get_model("vault", "DataKey")
    for data_key in _every(DataKey):
        crypto.split_existing(data_key)
        data_key.save(update_fields=["master_key_id", "wrapped"])


def join(apps, schema_editor):
    from vault import crypto

    DataKey = apps.get_model("vault", "DataKey")
    for data_key in _every(DataKey):
        crypto.join_existing(data_key)
        data_key.save(update_fields=["master_key_id", "wrapped"])


class Migration(migrations.Migration):
    dependencies = [("vault", "0001_initial")]

    operations = [migrations.RunPython(split, join, elidable=False)]
