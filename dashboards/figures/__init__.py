"""The figures of one dashboard, each computed by the database (annotate, aggregate, filter=Q): a
fixed number of queries whatever the size of the data, never a Python loop over rows (the loops
here walk the groups a query returns: provinces × statuses, conventions, months, cohorts).

Two steps, so that a region or the nation is added up from its provinces (dashboards.summaries):
- `sums_by_province(selection)`: {province id: its counts and amounts}, each of which adds up
  across provinces (nested dicts of int and Decimal), all provinces of the scope in one pass;
- `finish(selection, sums, place_rows)`: the figures as the page, the exports and the JSON show
  them: totals, shares and averages from the sums, the conventions' envelopes and the latest
  ceremonies (read live: conventions are few, ceremonies are read five at a time), the table of
  the places below.

`compute(selection)` is both at once, over the rows: what a filtered dashboard shows.
"""

from django.utils import timezone

from dashboards.figures import follow_up, money, people, places, projects

# Each part of the sums: how it is computed, per province, and its value for a province without rows.
PARTS = {
    "beneficiaries": (lambda selection, today: people.registry(selection, today), people.empty),
    "projects": (lambda selection, today: projects.counts(selection), projects.empty),
    "money": (lambda selection, today: money.amounts(selection), money.empty),
    "planned": (lambda selection, today: follow_up.planned(selection), follow_up.empty_planned),
    "follow_up": (follow_up.visits, follow_up.empty_visits),
    "survival": (follow_up.survival_counts, follow_up.empty_survival_counts),
}


def compute(selection) -> dict:
    by_province = sums_by_province(selection)
    rows = {pk: places.row_of(sums) for pk, sums in by_province.items()}
    return finish(selection, add_up(by_province.values()), rows)


def sums_by_province(selection) -> dict:
    today = timezone.localdate()
    computed = {name: compute_part(selection, today) for name, (compute_part, _empty) in PARTS.items()}
    provinces = set().union(*computed.values())
    return {
        province: {name: computed[name].get(province) or empty() for name, (_compute, empty) in PARTS.items()}
        for province in provinces
    }


def empty_sums() -> dict:
    return {name: empty() for name, (_compute, empty) in PARTS.items()}


def finish(selection, sums: dict, place_rows: dict) -> dict:
    """The figures of `selection` from its `sums`; `place_rows` ({province id: places.row_of(its
    sums)}) fill the table of the provinces (and regions) below a region or the nation."""
    overview = projects.overview(sums["projects"])
    return {
        "scope": selection.scope.as_json(),
        "filters": selection.as_json(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "beneficiaries": sums["beneficiaries"],
        "projects": overview,
        **money.money_and_conventions(selection, sums["money"]),
        "pipeline": follow_up.pipeline(sums, overview),
        "follow_up": follow_up.follow_up(sums["follow_up"]),
        "survival": follow_up.survival(sums["survival"]),
        "ceremonies": follow_up.latest_ceremonies(selection),
        **places.tables(selection.scope, place_rows),
    }


def add_up(parts) -> dict:
    """The sums of several provinces added up: nested dicts whose leaves are numbers."""
    total = empty_sums()
    for part in parts:
        merge_into(total, part)
    return total


def merge_into(total: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, dict):
            merge_into(total.setdefault(key, {}), value)
        else:
            total[key] = total.get(key, 0) + value
