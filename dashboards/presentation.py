"""What the dashboard page draws from the figures: labelled rows (with their drill-down links),
the charts' data, and the way up and down between places."""

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from dashboards.figures.people import UNDER_16
from dashboards.links import DrillDown
from dashboards.privacy import hides_small_counts
from dashboards.scopes import PROVINCE, REGION, may_see, national_scope, place_scope
from partners.models import Convention
from projects.models import FundingLine, MicroProject

AGE_LABELS = {**dict(Beneficiary.AgeBand.choices), UNDER_16: _("under 16")}
FUNNEL_LABELS = {
    "submitted": _("Submitted"),
    "studied": _("Studied"),
    "approved": _("Approved"),
    "in_handover": _("In handover"),
    "funded": _("Funded"),
    "operating": _("Operating"),
}


def rows(values: dict, labels: dict, link=None) -> list[dict]:
    return [
        {"label": labels.get(key, key), "value": value, "url": link(key) if link and value else None}
        for key, value in values.items()
    ]


def chart(chart_id: str, title, kind: str, labelled: list[dict], series=None) -> dict:
    """A chart's data for static/js/dashboard-charts.js; a hidden count ("< 3") is left out (None)."""
    return {
        "id": chart_id,
        "type": kind,
        "title": str(title),
        "labels": [str(row["label"]) for row in labelled],
        "datasets": series
        or [
            {"label": str(title), "data": [row["value"] if isinstance(row["value"], int) else None for row in labelled]}
        ],
    }


def page(figures: dict, selection, user) -> dict:
    drill = DrillDown(selection, user)
    people, projects = figures["beneficiaries"], figures["projects"]
    status_rows = rows(people["by_status"], dict(Beneficiary.Status.choices), lambda s: drill.people(status=s))
    sex_rows = rows(people["by_sex"], dict(Beneficiary.Sex.choices), lambda s: drill.people(sex=s))
    age_rows = rows(
        people["by_age_band"], AGE_LABELS, lambda band: drill.people(age_band=band) if band != UNDER_16 else None
    )
    project_rows = rows(projects["by_status"], dict(MicroProject.Status.choices), lambda s: drill.projects(status=s))
    sector_rows = rows(projects["by_sector"], dict(MicroProject.Sector.choices), lambda s: drill.projects(sector=s))
    funnel_rows = rows(projects["funnel"], FUNNEL_LABELS)
    kinds = dict(FundingLine.Kind.choices)
    months = [
        {
            "label": month["month"],
            "value": month["handovers"],
            "amount": month["amount"],
            "url": drill.planned_in(month["month"]),
        }
        for month in figures["pipeline"]["planned_by_month"]
    ]
    return {
        "officials_view": hides_small_counts(user),
        "links": {
            "people": drill.people(),
            "projects": drill.projects(),
            "approved": drill.projects(status=MicroProject.Status.APPROVED),
        },
        "people": {"by_status": status_rows, "by_sex": sex_rows, "by_age_band": age_rows},
        "projects": {"by_status": project_rows, "by_sector": sector_rows, "funnel": funnel_rows},
        "money_by_kind": [{"label": kinds[kind], **amounts} for kind, amounts in figures["money"]["by_kind"].items()],
        "conventions": conventions(figures["conventions"]),
        "planned_months": months,
        "survival": {
            "by_cohort": [{**row, "label": row["cohort"]} for row in figures["survival"]["by_cohort"]],
            "by_sector": [
                {**row, "label": MicroProject.Sector(row["sector"]).label} for row in figures["survival"]["by_sector"]
            ],
        },
        "places": places(figures, selection),
        "charts": [
            chart("chart-people-status", _("Beneficiaries by status"), "bar", status_rows),
            chart("chart-people-sex", _("Beneficiaries by sex"), "doughnut", sex_rows),
            chart("chart-funnel", _("From submission to a running business"), "bar", funnel_rows),
            chart("chart-sectors", _("Projects by sector"), "bar", sector_rows),
            money_chart(figures),
            chart("chart-planned", _("Handovers planned, by month"), "bar", months),
            survival_chart(figures),
        ],
    }


def conventions(rows: list) -> list:
    """The conventions' rows, with their phase named and how far the progress bar goes."""
    phases = dict(Convention.IndhPhase.choices)
    return [
        {
            **row,
            "phase_label": phases.get(row["indh_phase"], ""),
            "progress": min(row["beneficiaries_funded"], row["target_beneficiaries"])
            if isinstance(row["beneficiaries_funded"], int)
            else None,
        }
        for row in rows
    ]


def money_chart(figures: dict) -> dict:
    conventions = figures["conventions"]
    labelled = [{"label": row["reference"], "value": 0} for row in conventions]
    series = [
        {"label": str(label), "data": [float(row[key] or 0) for row in conventions]}
        for key, label in (
            ("envelope", _("Envelope")),
            ("committed", _("Committed")),
            ("delivered", pgettext_lazy("money", "Delivered")),
        )
    ]
    return chart("chart-money", _("Money per convention (MAD)"), "bar", labelled, series)


def survival_chart(figures: dict) -> dict:
    cohorts = figures["survival"]["by_cohort"]
    labelled = [{"label": row["cohort"], "value": 0} for row in cohorts]
    series = [
        {
            "label": str(_("%(months)s months") % {"months": months}),
            "data": [float(row[months]["share"]) if row[months]["share"] is not None else None for row in cohorts],
        }
        for months in ("6", "12", "24")
    ]
    return chart(
        "chart-survival", _("Businesses still running (%), by half-year of first handover"), "line", labelled, series
    )


def places(figures: dict, selection) -> dict:
    """The tables of provinces and regions, each row linking to that place's dashboard, filters kept."""
    tables, arabic = {}, (get_language() or "").startswith("ar")
    query = QueryDict(mutable=True)
    query.update(selection.query_string())
    kept = f"?{query.urlencode()}" if query else ""
    for table, level in (("regions", REGION), ("provinces", PROVINCE)):
        if table in figures:
            tables[table] = [
                {
                    **row,
                    "name": row["name_ar"] if arabic else row["name_fr"],
                    "url": reverse(f"dashboards:{level}", args=[row["code"]]) + kept,
                }
                for row in figures[table]
            ]
    return tables


def breadcrumbs(scope, user) -> list[dict]:
    """The way up: the nation and the region above this place, as far as the user may go."""
    trail = []
    if scope.level == PROVINCE:
        trail = [national_scope(), place_scope(scope.place.region)]
    elif scope.level == REGION:
        trail = [national_scope()]
    return [{"name": up.name, "url": up.get_absolute_url()} for up in trail if may_see(user, up)]
