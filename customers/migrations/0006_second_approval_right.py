from django.db import migrations

from core.migration_support import grant_role_permissions


def forwards(apps, schema_editor):
    grant_role_permissions(apps, {"manager": ["customers.second_approve_customer"]})


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_review_version")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
