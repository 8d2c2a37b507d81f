"""The triggers that keep approved transactions final, and the roles' rights on
transactions, orders, contracts and products."""

from django.db import migrations

from core.migration_support import grant_role_permissions
from transactions import triggers

ROLE_PERMISSIONS = {
    "clerk": [
        "transactions.add_transaction",
        "transactions.add_order",
        "transactions.change_order",
        "transactions.add_contract",
        "transactions.view_product",
    ],
    "reviewer": ["transactions.review_transaction", "transactions.view_product"],
    "manager": [
        "transactions.view_transaction",
        "transactions.view_order",
        "transactions.view_contract",
        "transactions.view_product",
        "transactions.add_product",
        "transactions.change_product",
        "transactions.change_order",
    ],
    "security_officer": ["transactions.view_transaction", "transactions.view_historicaltransaction"],
}


def install(apps, schema_editor):
    for statement in triggers.install(schema_editor.connection):
        schema_editor.execute(statement, params=None)
    grant_role_permissions(apps, ROLE_PERMISSIONS)


def remove(apps, schema_editor):
    for statement in triggers.remove(schema_editor.connection):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("transactions", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(install, remove)]
