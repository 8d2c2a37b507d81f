"""The chain's head row, the triggers that make the access log append-only, and
the security officer's right to read it."""

from django.db import migrations

from core.migration_support import grant_role_permissions
from audit import triggers

ROLE_PERMISSIONS = {
    "security_officer": ["audit.view_accesslog", "audit.view_auditverification"],
}


def install(apps, schema_editor):
    apps.get_model("audit", "AccessLogHead").objects.get_or_create(pk=1)
    for statement in triggers.install(schema_editor.connection):
        schema_editor.execute(statement, params=None)
    grant_role_permissions(apps, ROLE_PERMISSIONS)


def remove(apps, schema_editor):
    for statement in triggers.remove(schema_editor.connection):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(install, remove)]
