"""Department managers may refresh the customer value snapshot on demand."""

from django.db import migrations

from core.migration_support import grant_role_permissions

ROLE_PERMISSIONS = {"manager": ["insight.refresh_scores", "insight.view_snapshot"]}


def grant(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_snapshot_scores_and_figures"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
