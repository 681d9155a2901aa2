"""Shared by the migrations that change how the derived name keys are computed (the loader skips
modules starting with "_")."""

BATCH = 2000


def recompute_name_keys(fields):
    """A RunPython step recomputing `fields`, the keys this migration's model state has, with the
    current rules of Beneficiary.refresh_name_keys (they are derived data, not history)."""

    def recompute(apps, schema_editor):
        from beneficiaries.models import Beneficiary as Current

        Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
        names = Beneficiary.objects.only("first_name", "last_name", "first_name_ar", "last_name_ar", "commune")
        batch = []
        for person in names.iterator(chunk_size=BATCH):
            Current.refresh_name_keys(person)
            batch.append(person)
            if len(batch) == BATCH:
                Beneficiary.objects.bulk_update(batch, fields)
                batch = []
        Beneficiary.objects.bulk_update(batch, fields)

    return recompute
