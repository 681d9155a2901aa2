"""Drill-down: a figure links to the list of the rows it counts, with the filters that select them.

Only for the roles whose lists show every row of the scope (staff and administrators): a
coordinator's lists show its partner's projects only, so the list would not be the figure; an
official sees no list at all. A figure no list can select exactly (a region has no list filter;
the handover list has no sector, year or phase) is not a link.
"""

from calendar import monthrange
from datetime import date

from django.http import QueryDict
from django.urls import reverse

from dashboards.scopes import NATIONAL, PROVINCE


def may_drill_down(user) -> bool:
    return user.role in (user.Role.STAFF, user.Role.ADMIN)


class DrillDown:
    def __init__(self, selection, user):
        self.selection = selection
        self.allowed = may_drill_down(user) and selection.scope.level in (PROVINCE, NATIONAL)
        scope = selection.scope
        self.place = {"province": scope.place.pk} if scope.level == PROVINCE else {}

    def url(self, name: str, params: dict) -> str:
        query = QueryDict(mutable=True)
        query.update({key: value for key, value in params.items() if value not in (None, "")})
        return f"{reverse(name)}?{query.urlencode()}" if query else reverse(name)

    def people(self, **filters) -> str | None:
        """The registry's list: the people of the scope (no project filter applies to them)."""
        return self.url("beneficiaries:list", {**self.place, **filters}) if self.allowed else None

    def projects(self, **filters) -> str | None:
        if not self.allowed:
            return None
        return self.url("projects:list", {**self.place, **self.selection.query_string(), **filters})

    def planned_in(self, month: str) -> str | None:
        """The handovers planned in `month` ("2026-12")."""
        selection = self.selection
        if not self.allowed or selection.sector or selection.year or selection.indh_phase:
            return None
        year, number = (int(part) for part in month.split("-"))
        params = {
            **self.place,
            "status": "planned",
            "date_from": date(year, number, 1).isoformat(),
            "date_to": date(year, number, monthrange(year, number)[1]).isoformat(),
            "convention": selection.convention.pk if selection.convention else None,
            "partner": selection.partner.pk if selection.partner else None,
        }
        return self.url("disbursements:handover_list", params)
