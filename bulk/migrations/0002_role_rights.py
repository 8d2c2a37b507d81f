"""Clerks import spreadsheets; clerks and managers export what they may see."""

from django.db import migrations

from core.migration_support import grant_role_permissions

ROLE_PERMISSIONS = {
    "clerk": ["bulk.add_importjob", "bulk.export_records"],
    "manager": ["bulk.export_records"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("bulk", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
