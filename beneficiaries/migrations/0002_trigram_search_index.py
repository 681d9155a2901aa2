"""A trigram index on the folded names, on PostgreSQL only: it serves `LIKE '%word%'` and
trigram similarity, which keep name search fast at national scale. SQLite scans instead."""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS beneficiary_search_trgm_idx "
    "ON beneficiaries_beneficiary USING gin (search_text gin_trgm_ops)",
)
DROP = ("DROP INDEX IF EXISTS beneficiary_search_trgm_idx",)


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_initial")]
    operations = [migrations.RunPython(run(CREATE), run(DROP))]
