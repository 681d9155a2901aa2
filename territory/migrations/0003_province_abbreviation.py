from django.db import migrations, models

from territory.reference import load_reference


def load(apps, schema_editor):
    load_reference(apps.get_model("territory", "Region"), apps.get_model("territory", "Province"))


class Migration(migrations.Migration):
    dependencies = [("territory", "0002_load_regions_and_provinces")]
    operations = [
        migrations.AddField(
            model_name="province",
            name="abbreviation",
            field=models.CharField(max_length=3, null=True, unique=True, verbose_name="abbreviation"),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
