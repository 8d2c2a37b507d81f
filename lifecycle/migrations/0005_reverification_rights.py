"""Clerks and managers record re-verifications of the customers they work on."""

from django.db import migrations

from accounts.migration_support import grant_role_permissions

ROLE_PERMISSIONS = {
    "clerk": ["lifecycle.add_reverification"],
    "manager": ["lifecycle.add_reverification"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0004_reverifications")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
