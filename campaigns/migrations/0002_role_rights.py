"""Managers (their department's customers) and clerks (the customers they entered
or own) keep saved filters and open the lists they give."""

from django.db import migrations

from core.migration_support import grant_role_permissions

ROLE_PERMISSIONS = {
    "clerk": ["campaigns.add_savedfilter", "campaigns.view_savedfilter", "campaigns.delete_savedfilter"],
    "manager": ["campaigns.add_savedfilter", "campaigns.view_savedfilter", "campaigns.delete_savedfilter"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_saved_filters"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
