"""Managers tag their department's customers."""

from django.db import migrations

from core.migration_support import grant_role_permissions


def grant(apps, schema_editor):
    grant_role_permissions(apps, {"manager": ["customers.tag_customer"]})


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0007_change_requests'),
        ('accounts', '0002_roles'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='customer',
            options={'ordering': ['-created_at', '-id'], 'permissions': [('view_department_customers', 'See every customer of the department'), ('view_personal_values', "See the department's personal (S2) values in full"), ('review_customer', "Decide the department's pending entries"), ('reveal_customer', "Reveal ID and bank numbers of the department's customers, logged"), ('reassign_owner', "Hand the department's customers to another owner"), ('second_approve_customer', "Give the second approval to the department's key customers"), ('tag_customer', "Add and remove tags of the department's customers")], 'verbose_name': 'customer', 'verbose_name_plural': 'customers'},
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
