"""Unfiltered dashboards read their sums from a summary row (dashboards.models.Summary).

Exact as the live figures are (a test compares both): a province's sums are made by the same
queries as a live dashboard's, and every part of them adds up across provinces, so a region's or
the nation's sums are its provinces' added up. One edge is counted twice: a person in projects of
two provinces under one convention (or in handovers planned in both) is one person in each
province, so two in their sum.
"""

import pickle
from functools import cache

from django.db import transaction
from django.utils import timezone

from dashboards.figures import add_up, finish, sums_by_province
from dashboards.figures.places import row_of
from dashboards.models import Summary
from dashboards.scopes import NATIONAL, PROVINCE, REGION, national_scope, place_scope
from dashboards.selection import Selection
from territory.models import Province


def key_of(level: str, pk=None) -> str:
    return {PROVINCE: f"P{pk}", REGION: f"R{pk}", NATIONAL: "N"}[level]


def scope_figures(selection) -> dict:
    """The figures of an unfiltered dashboard, from its summary."""
    sums, place_rows = scope_sums(selection.scope)
    return finish(selection, sums, place_rows)


def scope_sums(scope) -> tuple[dict, dict]:
    """(the scope's sums, {province id: its row in the table of places}), fresh."""
    key = key_of(scope.level, scope.place.pk if scope.place else None)
    summary = Summary.objects.filter(key=key).first()
    if summary is not None and summary.is_fresh:
        return summary.read()
    by_province = province_sums(scope)
    value = (add_up(by_province.values()), {pk: row_of(sums) for pk, sums in by_province.items()})
    if scope.level != PROVINCE:
        store({key: value})
    return value


def province_sums(scope) -> dict:
    """{province id: sums} for the provinces of `scope`, recomputing those stale or missing."""
    provinces = list(scope.provinces().values_list("pk", flat=True))
    keys = {key_of(PROVINCE, pk): pk for pk in provinces}
    summaries = Summary.objects.filter(key__in=keys)
    sums = {keys[s.key]: s.read()[0] for s in summaries if s.is_fresh}
    missing = [pk for pk in provinces if pk not in sums]
    if missing:
        sums |= refresh_provinces(scope if len(missing) == len(provinces) else None, missing)
    return sums


def refresh_provinces(scope, province_ids: list) -> dict:
    """Recompute the summaries of `province_ids` (all those of `scope` at once when it is given: one
    pass over its rows, not one per province) and store them. The stale flags are cleared before
    the rows are read: a write that commits meanwhile marks them stale again."""
    Summary.objects.filter(key__in=[key_of(PROVINCE, pk) for pk in province_ids]).update(stale=False)
    # In a transaction, so from the primary (reintegration.lib.replica): a replica that has not yet
    # replayed a write would give the figures of before it, stored as fresh.
    with transaction.atomic():
        if scope is not None:
            computed = sums_by_province(Selection(scope))
        else:
            computed = {}
            for pk in province_ids:  # the few provinces written since the last read
                province = Province.objects.select_related("region").get(pk=pk)
                computed |= sums_by_province(Selection(place_scope(province)))
    sums = {pk: computed.get(pk) or add_up([]) for pk in province_ids}
    store({key_of(PROVINCE, pk): (value, {}) for pk, value in sums.items()})
    return sums


def store(values: dict) -> None:
    now, today = timezone.now(), timezone.localdate()
    rows = [
        Summary(key=key, sums=pickle.dumps(value), computed_at=now, computed_on=today, stale=False)
        for key, value in values.items()
    ]
    Summary.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["sums", "computed_at", "computed_on", "stale"],
    )


def refresh(province_ids) -> None:
    """The task's work: the provinces' summaries, then those of their regions and of the nation."""
    places = Province.objects.select_related("region")
    if province_ids is not None:
        places = places.filter(pk__in=province_ids)
    regions = {province.region for province in places}
    for region in regions:
        scope_sums(place_scope(region))
    scope_sums(national_scope())


def mark_stale(province_ids=None) -> int:
    """Mark stale the summaries of `province_ids` (every one for None), of their regions and of the
    nation; how many rows were fresh."""
    summaries = Summary.objects.filter(stale=False)
    if province_ids is not None:
        regions = {region_of()[pk] for pk in province_ids}
        keys = [key_of(PROVINCE, pk) for pk in province_ids] + [key_of(REGION, pk) for pk in regions]
        summaries = summaries.filter(key__in=[*keys, key_of(NATIONAL)])
    return summaries.update(stale=True)


@cache
def region_of() -> dict:
    """{province id: region id}: the 2015 division, loaded by a migration and never changed, read
    once per process (every write asks it)."""
    return dict(Province.objects.values_list("pk", "region"))
