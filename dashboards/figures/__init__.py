"""The figures of one dashboard, each computed by the database (annotate, aggregate, filter=Q):
a fixed number of queries whatever the size of the data, never a Python loop over rows (the
loops here walk the few groups a query returns: statuses, sectors, conventions, provinces).

`compute(selection)` returns plain values (int, Decimal, str, date, lists and dicts): what the cache
keeps, what the page, the exports and the JSON show, after `privacy.for_viewer` hides the small
counts of people from officials.
"""

from django.utils import timezone

from dashboards.figures import follow_up, money, people, places, projects


def compute(selection) -> dict:
    today = timezone.localdate()
    overview = projects.overview(selection)
    money_figures = money.money_and_conventions(selection)
    figures = {
        "scope": selection.scope.as_json(),
        "filters": selection.as_json(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "beneficiaries": people.registry(selection, today),
        "projects": overview,
        **money_figures,
        "pipeline": follow_up.pipeline(selection, overview, money_figures["money"]),
        "follow_up": follow_up.visits(selection, today),
        "survival": follow_up.survival(selection, today),
        "ceremonies": follow_up.latest_ceremonies(selection),
    }
    figures.update(places.tables(selection))
    return figures
