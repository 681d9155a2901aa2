"""What a dashboard counts: a scope and its filters, turned into the querysets every figure starts from.

The filters narrow the projects, and what hangs off them (funding lines, handovers, the ledger,
visits), exactly as the project list's filters of the same names do, so that a figure's drill-down
link lists the rows it counts:
- `year` and `indh_phase` choose conventions (their year, their INDH phase), `convention` one of
  them: the projects with a funding line under those conventions, and only those lines;
- `partner`: the projects it funds or studies, and only its lines;
- `sector`: the projects of that sector.
The registry's figures (people by status, sex, age) are the people of the scope: a person is
registered before any project, so no project filter applies to them.
"""

from dataclasses import dataclass

from django.db.models import Q

from dashboards.scopes import Scope
from disbursements.models import Handover, LedgerEntry
from partners.models import Convention, Partner
from projects.models import FundingLine, MicroProject


@dataclass(frozen=True)
class Selection:
    scope: Scope
    year: int | None = None
    convention: Convention | None = None
    partner: Partner | None = None
    indh_phase: str = ""
    sector: str = ""

    @property
    def chooses_conventions(self) -> bool:
        return bool(self.year or self.convention or self.indh_phase)

    @property
    def is_filtered(self) -> bool:
        return self.chooses_conventions or bool(self.partner or self.sector)

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "convention": self.convention.reference if self.convention else None,
            "partner": self.partner.acronym if self.partner else None,
            "indh_phase": self.indh_phase or None,
            "sector": self.sector or None,
        }

    def cache_key(self) -> str:
        parts = (
            self.scope.level,
            self.scope.code,
            self.year,
            self.convention,
            self.partner,
            self.indh_phase,
            self.sector,
        )
        return ":".join("" if part is None else str(getattr(part, "pk", part)) for part in parts)

    def query_string(self) -> dict:
        """The filters as the lists' URL parameters (the same names and values)."""
        values = {
            "year": self.year,
            "convention": self.convention.pk if self.convention else None,
            "partner": self.partner.pk if self.partner else None,
            "indh_phase": self.indh_phase,
            "sector": self.sector,
        }
        return {name: value for name, value in values.items() if value}

    # ----- the querysets ---------------------------------------------------------------------

    def convention_q(self, prefix: str = "") -> Q:
        """The conventions the filters choose (every one without a convention filter)."""
        condition = Q()
        if self.year:
            condition &= Q(**{f"{prefix}year": self.year})
        if self.indh_phase:
            condition &= Q(**{f"{prefix}indh_phase": self.indh_phase})
        if self.convention:
            condition &= Q(**{f"{prefix}pk": self.convention.pk})
        return condition

    def projects(self):
        projects = MicroProject.objects.filter(self.scope.province_q())
        if self.sector:
            projects = projects.filter(sector=self.sector)
        if self.chooses_conventions:
            chosen = FundingLine.objects.filter(self.convention_q("convention__"))
            projects = projects.filter(pk__in=chosen.values("project"))
        if self.partner:
            funded = FundingLine.objects.filter(partner=self.partner).values("project")
            projects = projects.filter(Q(pk__in=funded) | Q(technical_partner=self.partner))
        return projects

    def lines(self):
        """The funding lines counted: of the projects in scope, under the chosen conventions, of
        the chosen partner."""
        lines = FundingLine.objects.filter(self.scope.province_q("project__province"))
        if self.sector:
            lines = lines.filter(project__sector=self.sector)
        if self.chooses_conventions:
            lines = lines.filter(self.convention_q("convention__"))
        if self.partner:
            lines = lines.filter(partner=self.partner)
        return lines

    def ledger(self):
        entries = LedgerEntry.objects.filter(self.scope.province_q("handover__province"))
        return entries.filter(line__in=self.lines().values("pk")) if self.is_filtered else entries

    def handovers(self):
        handovers = Handover.objects.filter(self.scope.province_q())
        return handovers.filter(line__in=self.lines().values("pk")) if self.is_filtered else handovers

    def conventions_in_scope(self):
        """The conventions signed for a place inside the scope (a province's, its region's for a
        region, every one for the nation), as the filters choose them: their envelopes are the
        scope's. A wider convention funding projects here shows its money here, not its envelope."""
        conventions = Convention.objects.filter(self.convention_q())
        if self.partner:
            conventions = conventions.filter(contributions__partner=self.partner)
        scope = self.scope
        if scope.level == "province":
            return conventions.filter(province=scope.place)
        if scope.level == "region":
            return conventions.filter(Q(region=scope.place) | Q(province__region=scope.place))
        return conventions
