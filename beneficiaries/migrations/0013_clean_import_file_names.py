"""The names of files uploaded before they were cleaned (a right-to-left override showed them reversed)."""

import unicodedata

from django.db import migrations

from reintegration.lib.text import without_controls


def clean_names(apps, schema_editor):
    ImportJob = apps.get_model("beneficiaries", "ImportJob")
    for job in ImportJob.objects.only("pk", "original_name").iterator():
        # As beneficiaries.importing.reading.clean_name, copied: a migration keeps today's rule.
        cleaned = without_controls(unicodedata.normalize("NFKC", job.original_name)).strip()
        if cleaned != job.original_name:
            ImportJob.objects.filter(pk=job.pk).update(original_name=cleaned[:255])


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0012_importjob_errors_file"),
    ]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
