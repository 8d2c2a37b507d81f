"""The security officer's rights on incidents, alerts and account locks."""

from django.db import migrations

from core.migration_support import grant_role_permissions

ROLE_PERMISSIONS = {
    "security_officer": [
        "watch.view_incident",
        "watch.add_incident",
        "watch.change_incident",
        "watch.view_alert",
        "watch.change_alert",
        "watch.lock_account",
    ],
}


def forward(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("watch", "0001_incidents_locks_and_alerts"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
