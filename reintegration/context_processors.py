from reintegration.lib import contributions


def navigation(request):
    """The menu entries each app offers this user (see reintegration.lib.contributions)."""
    if not request.user.is_authenticated:
        return {}
    return {"nav_entries": contributions.navigation(request.user)}
