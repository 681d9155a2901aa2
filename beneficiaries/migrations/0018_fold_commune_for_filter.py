"""The commune filter ignores case, accents, dashes and Arabic letter variants: a folded key, filled
for the people already registered, and on PostgreSQL a trigram index serving `LIKE '%...%'` on it
(as 0002 does for the names; SQLite scans)."""

from django.db import migrations, models

from beneficiaries.migrations._name_keys import recompute_name_keys

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS beneficiary_commune_trgm_idx "
    "ON beneficiaries_beneficiary USING gin (commune_key gin_trgm_ops)",
)
DROP = ("DROP INDEX IF EXISTS beneficiary_commune_trgm_idx",)


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0017_index_phone_for_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="beneficiary",
            name="commune_key",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RunPython(recompute_name_keys(["commune_key"]), migrations.RunPython.noop),
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
