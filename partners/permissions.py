"""Who may read and manage conventions. Shared by the views, the menu and the templates.

Scope is not decided here: every lookup goes through `Convention.objects.visible_to(user)`, so a
convention outside the user's scope answers 404 before any of these is asked. Conventions hold no
personal data: every role with a scope reads them, officials included.
"""

from reintegration.lib.contributions import app_modules


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def has_scope(user) -> bool:
    return bool(user.is_national or user.province_id or user.region_id)


def can_read_conventions(user) -> bool:
    """Everyone with a scope; not a coordinator acting for no partner (they can do nothing)."""
    if not (_active(user) and has_scope(user)):
        return False
    return user.role != user.Role.COORDINATOR or user.acting_partner_id is not None


def can_manage_conventions(user) -> bool:
    """Create conventions, change their envelope and their parties' contributions: administrators."""
    return _active(user) and user.role == user.Role.ADMIN


def can_view_convention(user, convention) -> bool:
    return can_read_conventions(user)


def can_edit_convention(user, convention) -> bool:
    return can_manage_conventions(user)


def can_open(user, url_name: str) -> bool:
    """Whether an app above this one offers `user` the page `url_name` in the menu (the projects
    list, for the link from a convention to its projects): asked through the apps' contributions,
    since partners imports none of them, and the rule stays the owning app's."""
    return any(
        entry.url_name == url_name and entry.visible(user)
        for module in app_modules("contributions")
        for entry in getattr(module, "NAVIGATION", [])
    )
