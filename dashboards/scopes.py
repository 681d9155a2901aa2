"""Where a dashboard looks: a province, a region or the nation, and who may look there.

A scope is only ever built for a user allowed to see it: `scope_for(user, level, code)` answers 404
otherwise, as a record outside one's scope does (never reveal what lies beyond it).
"""

from dataclasses import dataclass
from functools import cache

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from territory.models import Province, Region

NATIONAL, REGION, PROVINCE = "national", "region", "province"


@dataclass(frozen=True)
class Scope:
    level: str
    code: str  # HCP code of the province or region; "" for the nation
    name_fr: str
    name_ar: str
    place: Province | Region | None

    @property
    def name(self) -> str:
        return self.name_ar if (get_language() or "").startswith("ar") else self.name_fr

    @property
    def level_label(self) -> str:
        return {NATIONAL: _("National"), REGION: _("Region"), PROVINCE: _("Province")}[self.level]

    def province_q(self, field: str = "province") -> Q:
        """Rows whose `field` (a path to a Province; "" for Province itself) lies in this scope."""
        prefix = f"{field}__" if field else ""
        if self.level == NATIONAL:
            return Q()
        if self.level == REGION:
            return Q(**{f"{prefix}region": self.place.pk})
        return Q(**{f"{prefix}pk": self.place.pk})

    def provinces(self):
        return Province.objects.filter(self.province_q(field="")).order_by("code")

    def get_absolute_url(self) -> str:
        if self.level == NATIONAL:
            return reverse("dashboards:national")
        return reverse(f"dashboards:{self.level}", args=[self.code])

    def as_json(self) -> dict:
        return {"level": self.level, "code": self.code, "name_fr": self.name_fr, "name_ar": self.name_ar}


def national_scope() -> Scope:
    return Scope(NATIONAL, "", "Maroc", "المغرب", None)


def place_scope(place) -> Scope:
    level = PROVINCE if isinstance(place, Province) else REGION
    return Scope(level, place.code, place.name_fr, place.name_ar, place)


def may_see(user, scope: Scope) -> bool:
    """A user sees the dashboards of their own scope and of every place inside it."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_national:
        return True
    if scope.level == NATIONAL:
        return False
    if user.province_id:
        return scope.level == PROVINCE and scope.place.pk == user.province_id
    if user.region_id:
        region_id = scope.place.pk if scope.level == REGION else scope.place.region_id
        return region_id == user.region_id
    return False


def own_scope(user) -> Scope:
    """The dashboard a user opens first: their whole scope. No scope at all: 404 (fail closed)."""
    if user.is_national:
        return national_scope()
    if user.province_id:
        return place_scope(user.province)
    if user.region_id:
        return place_scope(user.region)
    raise Http404


def scope_for(user, level: str, code: str = "") -> Scope:
    scope = national_scope() if level == NATIONAL else place_scope(place_of(level, code))
    if not may_see(user, scope):
        raise Http404
    return scope


def place_of(level: str, code: str):
    """The province or region of that HCP code, or 404."""
    place = places().get((level, code))
    if place is None:
        raise Http404
    return place


@cache
def places() -> dict:
    """{(level, code): place}: the 2015 division (12 regions, 75 provinces), loaded by a migration
    and never changed, read once per process instead of at every dashboard request."""
    found = {(REGION, region.code): region for region in Region.objects.all()}
    for province in Province.objects.select_related("region"):
        found[(PROVINCE, province.code)] = province
    return found


def has_scope(user) -> bool:
    """Every role reads the dashboards of its scope; without a scope there is nothing to read."""
    return user.is_authenticated and user.is_active and bool(user.is_national or user.province_id or user.region_id)
