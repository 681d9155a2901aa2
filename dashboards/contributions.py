"""The dashboards in the menu, and on the home page: an official's home is their dashboard's headline."""

from django.utils.translation import gettext_lazy

from dashboards.cache import figures_for
from dashboards.privacy import for_viewer, hides_small_counts
from dashboards.scopes import has_scope, own_scope
from dashboards.selection import Selection
from reintegration.lib.contributions import HomeCard, NavEntry

NAVIGATION = [NavEntry(gettext_lazy("Dashboard"), "dashboards:own", visible=has_scope, order=80)]


def headline(user) -> dict | None:
    """Officials: the figures they quote, from their own scope's dashboard. Others: a way to it."""
    if not has_scope(user):
        return None
    scope = own_scope(user)
    if not hides_small_counts(user):
        return {"scope": scope, "figures": None}
    return {"scope": scope, "figures": for_viewer(figures_for(Selection(scope)), user)}


HOME_CARDS = [HomeCard("dashboards/home_card.html", context=headline)]
