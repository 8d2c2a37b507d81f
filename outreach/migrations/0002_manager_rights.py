from django.db import migrations

from core.migration_support import grant_role_permissions


def grant(apps, schema_editor):
    # Department managers open and close their department's survey rounds, and
    # approve the analysis of a department below theirs (issue 20 item 4).
    grant_role_permissions(apps, {"manager": ["outreach.open_round", "outreach.approve_round"]})


class Migration(migrations.Migration):

    dependencies = [
        ("outreach", "0001_greetings_and_survey_rounds"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
