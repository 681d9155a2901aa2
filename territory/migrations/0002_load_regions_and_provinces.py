from django.db import migrations

from territory.reference import load_reference


def load(apps, schema_editor):
    load_reference(apps.get_model("territory", "Region"), apps.get_model("territory", "Province"))


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
