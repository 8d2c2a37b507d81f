from django.db import migrations

from feed import triggers


def install(apps, schema_editor):
    for statement in triggers.install_statements(schema_editor.connection):
        schema_editor.execute(statement, params=None)


def remove(apps, schema_editor):
    for statement in triggers.remove_statements(schema_editor.connection):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    """The triggers that write the feed (feed.triggers), on both databases. The feed
    starts here: rows already in the tables are not replayed."""

    dependencies = [
        ("feed", "0001_change_table"),
        ("customers", "0015_merge_requests"),
        ("transactions", "0006_approved_transaction_moves_only_by_merge"),
        ("interactions", "0004_manager_assigns_complaints"),
    ]

    operations = [migrations.RunPython(install, remove)]
