"""The roles' rights on interactions, complaints and surveys."""

from django.db import migrations

from core.migration_support import grant_role_permissions

ROLE_PERMISSIONS = {
    "clerk": [
        "interactions.add_interaction",
        "interactions.change_interaction",
        "interactions.add_complaint",
        "interactions.change_complaint",
        "interactions.add_feedback",
    ],
    "reviewer": ["interactions.view_interaction", "interactions.view_complaint", "interactions.view_feedback"],
    "manager": [
        "interactions.view_interaction",
        "interactions.view_complaint",
        "interactions.view_feedback",
        "interactions.change_complaint",
        "interactions.add_complaint",
        "interactions.add_interaction",
    ],
    "security_officer": ["interactions.view_historicalcomplaint"],
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("interactions", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
