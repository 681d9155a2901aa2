# The search now matches two-consonant outlines marked with the name's initial sound (Youssef,
# Yousef, Youssouf and يوسف are "y'sf"): search_text is derived from the names and recomputed.

from django.db import migrations

from beneficiaries.migrations._name_keys import recompute_name_keys


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0015_history_change_reason_as_text"),
    ]

    operations = [
        migrations.RunPython(recompute_name_keys(["search_text"]), migrations.RunPython.noop),
    ]
