import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
KINDS = {"province": "province", "préfecture": "prefecture"}


def load(apps, schema_editor):
    Region = apps.get_model("territory", "Region")
    Province = apps.get_model("territory", "Province")
    with open(DATA / "ma_regions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Region.objects.update_or_create(
                code=row["region_code"],
                defaults={"name_fr": row["region_name_fr"], "name_ar": row["region_name_ar"]},
            )
    regions = {r.code: r for r in Region.objects.all()}
    with open(DATA / "ma_provinces.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Province.objects.update_or_create(
                code=row["province_code"],
                defaults={
                    "name_fr": row["province_name_fr"],
                    "name_ar": row["province_name_ar"],
                    "kind": KINDS[row["kind"]],
                    "region": regions[row["region_code"]],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
