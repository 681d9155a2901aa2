from functools import partial

from reintegration.lib import contributions


def navigation(request):
    """The menu entries each app offers this user (see reintegration.lib.contributions). Lazy: the
    template calls it where the menu is drawn, so an htmx fragment (no menu) pays for no badge count."""
    if not request.user.is_authenticated:
        return {}
    return {"nav_entries": partial(contributions.navigation, request.user)}
