"""An approved transaction stays frozen, except that it follows its customer into
the record that customer was merged into (issue 19): the trigger allows exactly
that change of `customer_id`, and only once the old record is a `merged` tombstone."""

from django.db import migrations

from transactions import triggers


def reinstall_triggers(apps, schema_editor):
    for statement in [*triggers.remove(schema_editor.connection), *triggers.install(schema_editor.connection)]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("transactions", "0005_review_constraint_from_the_reviewed_base"),
        ("customers", "0015_merge_requests"),
    ]

    operations = [migrations.RunPython(reinstall_triggers, migrations.RunPython.noop)]
