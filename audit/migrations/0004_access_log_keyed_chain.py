"""The access log's chain becomes keyed (HMAC under CRM_AUDIT_KEY) and TRUNCATE is
refused on PostgreSQL.

A log that already has entries keeps their plain SHA-256 hashes: the head records
from which entry on the chain is keyed, and checkpoints record that number."""

from django.db import migrations, models

from audit import triggers


def key_from_next_entry(apps, schema_editor):
    Head = apps.get_model("audit", "AccessLogHead")
    for head in Head.objects.all():
        head.keyed_since = head.last_id + 1
        head.save(update_fields=["keyed_since"])


def reinstall_triggers(apps, schema_editor):
    for statement in [*triggers.remove(schema_editor.connection), *triggers.install(schema_editor.connection)]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_access_log_lookup_and_rights_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessloghead",
            name="keyed_since",
            field=models.BigIntegerField(default=1),
        ),
        migrations.RunPython(key_from_next_entry, migrations.RunPython.noop),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
