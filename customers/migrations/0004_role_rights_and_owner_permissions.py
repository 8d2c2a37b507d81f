"""Give the roles their row rights, and the existing customers' makers and owners
their per-object rights (new customers get them from customer_create)."""

from django.db import migrations

from core.migration_support import grant_role_permissions

ROLE_PERMISSIONS = {
    "clerk": ["customers.request_grant", "customers.view_accessgrant"],
    "reviewer": ["customers.review_customer", "customers.request_grant", "customers.view_accessgrant"],
    "manager": [
        "customers.view_department_customers",
        "customers.view_personal_values",
        "customers.reveal_customer",
        "customers.reassign_owner",
        "customers.approve_grant",
        "customers.view_accessgrant",
    ],
    "security_officer": ["customers.view_department_customers", "customers.view_historicalaccessgrant"],
}
MAKER_RIGHTS = ("view_customer", "change_customer")
OWNER_RIGHTS = ("view_customer",)


def forwards(apps, schema_editor):
    grant_role_permissions(apps, ROLE_PERMISSIONS)
    Permission = apps.get_model("auth", "Permission")
    Customer = apps.get_model("customers", "Customer")
    Row = apps.get_model("customers", "CustomerUserObjectPermission")
    rights = {p.codename: p for p in Permission.objects.filter(content_type__app_label="customers", codename__in=MAKER_RIGHTS)}
    rows = []
    for customer_id, maker_id, owner_id in Customer.objects.values_list("id", "entered_by_id", "owner_id").iterator():
        wanted = {(maker_id, codename) for codename in MAKER_RIGHTS} | {(owner_id, c) for c in OWNER_RIGHTS}
        rows += [Row(content_object_id=customer_id, user_id=user_id, permission=rights[c]) for user_id, c in wanted]
    Row.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_grants_and_object_permissions"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
