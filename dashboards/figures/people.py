"""The registry of a scope: how many people, by status, sex and age band, registered this year."""

from datetime import date

from django.db.models import Count, Q

from beneficiaries.models import Beneficiary
from beneficiaries.models.beneficiary import age_band_q, years_before

AGE_BANDS = [band.value for band in Beneficiary.AgeBand]
UNDER_16 = "under-16"  # released young, or a birth date mistyped: counted, so the bands add up


def empty() -> dict:
    return {
        "total": 0,
        "by_status": dict.fromkeys(Beneficiary.Status.values, 0),
        "by_sex": dict.fromkeys(Beneficiary.Sex.values, 0),
        "by_age_band": dict.fromkeys([*AGE_BANDS, UNDER_16], 0),
        "registered_this_year": 0,
    }


def registry(selection, today: date) -> dict:
    """{province id: the people registered there}: one row per province."""
    counts = {"total": Count("pk"), "registered_this_year": Count("pk", filter=Q(created_at__year=today.year))}
    counts |= {f"status:{s}": Count("pk", filter=Q(status=s)) for s in Beneficiary.Status.values}
    counts |= {f"sex:{s}": Count("pk", filter=Q(sex=s)) for s in Beneficiary.Sex.values}
    counts |= {f"age:{band}": Count("pk", filter=age_band_q(band, today)) for band in AGE_BANDS}
    counts[f"age:{UNDER_16}"] = Count("pk", filter=Q(date_of_birth__gt=years_before(today, 16)))
    rows = Beneficiary.objects.filter(selection.scope.province_q()).order_by().values("province").annotate(**counts)
    return {
        row["province"]: {
            "total": row["total"],
            "by_status": {s: row[f"status:{s}"] for s in Beneficiary.Status.values},
            "by_sex": {s: row[f"sex:{s}"] for s in Beneficiary.Sex.values},
            "by_age_band": {band: row[f"age:{band}"] for band in [*AGE_BANDS, UNDER_16]},
            "registered_this_year": row["registered_this_year"],
        }
        for row in rows
    }
