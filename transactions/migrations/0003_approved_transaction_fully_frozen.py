"""An approved transaction is frozen whole in the database: status, version, maker,
checker and their times join its figures (so approved → draft → edit → approved is
impossible by SQL too), and TRUNCATE is refused on PostgreSQL."""

from django.db import migrations

from transactions import triggers


def reinstall_triggers(apps, schema_editor):
    for statement in [*triggers.remove(schema_editor.connection), *triggers.install(schema_editor.connection)]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("transactions", "0002_approved_is_final_and_role_rights"),
    ]

    operations = [migrations.RunPython(reinstall_triggers, migrations.RunPython.noop)]
