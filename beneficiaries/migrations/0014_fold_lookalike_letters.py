# fold() now merges look-alike letters (Persian ک/ی with ك/ي, Latin ɑ/ı with a/i): the stored name
# keys are derived from it and must be recomputed, or a person stored as "کریم" stays unfound.

from django.db import migrations

from beneficiaries.migrations._name_keys import recompute_name_keys


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0013_clean_import_file_names"),
    ]

    operations = [
        migrations.RunPython(
            recompute_name_keys(["sort_name", "sort_name_ar", "search_text", "person_key", "person_key_ar"]),
            migrations.RunPython.noop,
        ),
    ]
