"""Recompute the derived name keys: a family name's leading article (El, Al, ال) no longer counts."""

from django.db import migrations

from beneficiaries.migrations._name_keys import recompute_name_keys

KEYS = ["sort_name", "search_text", "person_key", "person_key_ar"]


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0004_sort_by_folded_name")]
    operations = [migrations.RunPython(recompute_name_keys(KEYS), migrations.RunPython.noop)]
