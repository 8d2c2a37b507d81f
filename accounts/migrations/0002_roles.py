"""The four business roles of SPEC §1 as groups with their model permissions, so a
production database has them without running any command."""

from django.db import migrations

from core.migration_support import grant_role_permissions

# Frozen here on purpose: later changes to the roles come as new migrations.
ROLE_PERMISSIONS = {
    "clerk": [
        "customers.add_customer",
        "customers.change_customer",
        "customers.view_customer",
        "customers.view_tag",
    ],
    "reviewer": ["customers.view_customer", "customers.view_tag"],
    "manager": [
        "customers.view_customer",
        "customers.view_historicalcustomer",
        "customers.view_tag",
        "customers.add_tag",
        "customers.change_tag",
        "accounts.view_user",
        "accounts.view_department",
    ],
    "security_officer": [
        "customers.view_customer",
        "customers.view_historicalcustomer",
        "accounts.view_user",
        "accounts.view_department",
    ],
}


def create_roles(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("customers", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
