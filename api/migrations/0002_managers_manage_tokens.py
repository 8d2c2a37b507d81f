"""Managers create and revoke their department's API tokens."""

from django.db import migrations

from core.migration_support import grant_role_permissions


def forwards(apps, schema_editor):
    grant_role_permissions(apps, {"manager": ["api.manage_tokens"]})


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
