from django.db import migrations

DEFAULT_TAGS = ["VIP", "new", "active"]


def create_tags(apps, schema_editor):
    Tag = apps.get_model("customers", "Tag")
    for name in DEFAULT_TAGS:
        Tag.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [migrations.RunPython(create_tags, migrations.RunPython.noop)]
