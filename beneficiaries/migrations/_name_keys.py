"""Shared by the migrations that change how the derived name keys are computed (the loader skips
modules starting with "_")."""


def recompute_name_keys(fields):
    """A RunPython step recomputing `fields`, the keys this migration's model state has, with the
    current rules of Beneficiary.refresh_name_keys (they are derived data, not history)."""

    def recompute(apps, schema_editor):
        from beneficiaries.models import Beneficiary as Current

        Beneficiary = apps.get_model("beneficiaries", "Beneficiary")
        people = list(Beneficiary.objects.only("first_name", "last_name", "first_name_ar", "last_name_ar"))
        for person in people:
            Current.refresh_name_keys(person)
        Beneficiary.objects.bulk_update(people, fields, batch_size=1000)

    return recompute
