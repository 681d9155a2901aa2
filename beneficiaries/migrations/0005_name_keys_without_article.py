"""Recompute the derived name keys: a family name's leading article (El, Al, ال) no longer counts."""

from django.db import migrations


def recompute(apps, schema_editor):
    # The keys are derived data: they follow the current rules in Beneficiary.refresh_name_keys.
    from beneficiaries.models import Beneficiary as Current

    Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
    people = list(Beneficiary.objects.only("first_name", "last_name", "first_name_ar", "last_name_ar"))
    for person in people:
        Current.refresh_name_keys(person)
    # The keys this migration's model state has (NAME_KEYS may grow later).
    Beneficiary.objects.bulk_update(people, ["sort_name", "search_text", "person_key", "person_key_ar"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0004_sort_by_folded_name")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
