"""The programme's three partners from its first day; administrators add the others."""

from django.db import migrations

from partners.reference import load_programme_partners


def add_partners(apps, schema_editor):
    load_programme_partners(apps.get_model("partners", "Partner"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_partners_and_conventions")]

    operations = [migrations.RunPython(add_partners, migrations.RunPython.noop)]
