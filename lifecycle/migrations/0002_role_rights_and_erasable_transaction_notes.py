"""The roles' rights on the record's lifecycle, and the approved transactions'
trigger that lets a destroyed customer's transaction notes be emptied."""

from django.db import migrations

from accounts.migration_support import grant_role_permissions
from transactions import triggers

ROLE_PERMISSIONS = {
    "manager": [
        "lifecycle.request_destruction",
        "lifecycle.place_legal_hold",
        "lifecycle.view_destructionrecord",
    ],
    "security_officer": ["lifecycle.approve_destruction", "lifecycle.view_destructionrecord"],
}


def forward(apps, schema_editor):
    for statement in [*triggers.remove(schema_editor.connection), *triggers.install(schema_editor.connection)]:
        schema_editor.execute(statement, params=None)
    grant_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0001_destruction_and_legal_holds"),
        ("transactions", "0004_department_review_queue_index"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
