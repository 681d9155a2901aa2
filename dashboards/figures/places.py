"""A region's dashboard lists its provinces, the nation's its regions and all 75 provinces: one row
each, linking down to that place's dashboard, from the sums of each province."""

from decimal import Decimal

ZERO = Decimal("0")
COLUMNS = ("beneficiaries", "projects", "approved", "committed", "delivered")


def row_of(sums: dict) -> dict:
    money = sums["money"]
    return {
        "beneficiaries": sums["beneficiaries"]["total"],
        "projects": sum(sums["projects"]["by_status"].values()),
        "approved": sums["projects"]["approved"],
        "committed": sum((line["committed"] for line in money["lines"].values()), ZERO),
        "delivered": sum(money["ledger"].values(), ZERO),
    }


def tables(scope, rows: dict) -> dict:
    """`rows`: {province id: row_of(its sums)}."""
    if scope.level == "province":
        return {}
    empty = dict.fromkeys(COLUMNS, 0)
    places = list(scope.provinces().select_related("region"))
    provinces = [
        {
            "code": province.code,
            "name_fr": province.name_fr,
            "name_ar": province.name_ar,
            "region": province.region.code,
            **rows.get(province.pk, empty),
        }
        for province in places
    ]
    if scope.level == "region":
        return {"provinces": provinces}
    regions = {}
    for province, row in zip(places, provinces, strict=True):
        region = regions.setdefault(
            province.region.code,
            {"code": province.region.code, "name_fr": province.region.name_fr, "name_ar": province.region.name_ar}
            | dict.fromkeys(COLUMNS, 0),
        )
        for column in COLUMNS:
            region[column] += row[column]
    return {"regions": list(regions.values()), "provinces": provinces}
