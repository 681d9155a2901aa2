"""The 2015 territorial division, read from the CSV files shipped in territory/data/.

The provinces' file adds one column to the reference facts: a three-letter abbreviation, unique,
that prefixes handover numbers (KHE-2020-0007 for Khémisset, KHN for Khénifra).
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
KINDS = {"province": "province", "préfecture": "prefecture"}


def load_reference(Region, Province):
    """Create or update the 12 regions and 75 provinces; safe to run again."""
    with open(DATA / "ma_regions.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Region.objects.update_or_create(
                code=row["region_code"],
                defaults={"name_fr": row["region_name_fr"], "name_ar": row["region_name_ar"]},
            )
    regions = {region.code: region for region in Region.objects.all()}
    # Migration 0002's Province has no abbreviation yet; 0003 loads the file again to add it.
    has_abbreviation = any(field.name == "abbreviation" for field in Province._meta.get_fields())
    with open(DATA / "ma_provinces.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            facts = {
                "name_fr": row["province_name_fr"],
                "name_ar": row["province_name_ar"],
                "kind": KINDS[row["kind"]],
                "region": regions[row["region_code"]],
            }
            if has_abbreviation:
                facts["abbreviation"] = row["abbreviation"]
            Province.objects.update_or_create(code=row["province_code"], defaults=facts)
