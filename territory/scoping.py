"""Turn a user into a filter on province. Every `visible_to(user)` starts here.

Fail closed: an anonymous or inactive user, or one with no scope, matches nothing.
"""

from django.db.models import Q

from territory.models import Province

NOTHING = Q(pk__in=[])


def province_q(user, field: str = "province") -> Q:
    """Keep the rows whose `field` (a path to a Province; "" for Province itself) is in scope."""
    if not (user and user.is_authenticated and user.is_active):
        return NOTHING
    if user.is_national:
        return Q()
    prefix = f"{field}__" if field else ""
    if user.province_id:
        return Q(**{f"{prefix}pk": user.province_id})
    if user.region_id:
        return Q(**{f"{prefix}region": user.region_id})
    return NOTHING


def visible_provinces(user):
    return Province.objects.filter(province_q(user, field=""))
