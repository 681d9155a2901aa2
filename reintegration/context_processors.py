from beneficiaries.permissions import can_edit_registry, can_read_registry


def navigation(request):
    """What the menus and the home page may offer this user, decided by each app's permissions."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"nav": {"registry": can_read_registry(user), "register": can_edit_registry(user)}}
