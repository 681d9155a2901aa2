from django.utils.functional import SimpleLazyObject

from reintegration.lib import contributions


def navigation(request):
    """The menu entries each app offers this user (see reintegration.lib.contributions).

    Lazy: the worklists' counts cost a query each, and an htmx fragment, which has no menu, never
    asks for them (a list's search box sends one on each pause in the typing)."""
    if not request.user.is_authenticated:
        return {}
    return {"nav_entries": SimpleLazyObject(lambda: contributions.navigation(request.user))}
