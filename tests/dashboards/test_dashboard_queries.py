"""A dashboard asks the database a fixed number of queries whatever the data's size: the same with
10 and with 1,000 projects, and at most 15 for the figures of a province, a region or the nation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beneficiaries.models import Beneficiary
from dashboards.figures import compute
from dashboards.scopes import national_scope, place_scope
from dashboards.selection import Selection
from projects.models import FollowUpVisit, FundingLine, MicroProject
from tests.factories import ConventionFactory, contribute, partner, province, region

pytestmark = pytest.mark.django_db

STATUSES = MicroProject.Status.values
SECTORS = MicroProject.Sector.values
PLACES = ("04.291", "04.421", "06.141")


def grow(count: int, registrar, convention, start: int = 0):
    """`count` more projects in bulk, across every status, sector and three provinces, each with a
    lead, a funding line (approved from "studied" on) and, for one in three handed over, a visit."""
    provinces = [province(code) for code in PLACES]
    indh = partner("INDH")
    people = Beneficiary.objects.bulk_create(
        Beneficiary(
            cin=f"QB{start + n:06d}",
            first_name="Bulk",
            last_name=f"Person{start + n}",
            sex="MF"[n % 2],
            date_of_birth=date(1980, 1, 1) + timedelta(days=37 * n),
            province=provinces[n % 3],
            release_date=date(2024, 1, 1),
            created_by=registrar,
        )
        for n in range(count)
    )
    projects = MicroProject.objects.bulk_create(
        MicroProject(
            lead=person,
            province=person.province,
            title=f"Projet {start + n}",
            sector=SECTORS[n % len(SECTORS)],
            commune="Tiflet",
            total_cost=Decimal("10000"),
            own_contribution=Decimal("0"),
            technical_partner=indh,
            created_by=registrar,
            status=STATUSES[n % len(STATUSES)],
            first_delivery_on=date(2024, 1, 1) if STATUSES[n % len(STATUSES)] in ("funded", "operating") else None,
            next_visit_due=date(2025, 1, 1),
            outcome="thriving" if STATUSES[n % len(STATUSES)] == "closed" else "",
        )
        for n, person in enumerate(people)
    )
    decided = {"approved", "in_handover", "funded", "operating", "closed"}
    FundingLine.objects.bulk_create(
        FundingLine(
            project=project,
            convention=convention,
            partner=indh,
            amount=Decimal("10000"),
            kind="equipment" if n % 2 else "cash",
            decision="approved" if project.status in decided else "pending",
        )
        for n, project in enumerate(projects)
    )
    FollowUpVisit.objects.bulk_create(
        FollowUpVisit(project=project, visited_on=date(2024, 8, 1), visitor=registrar, business_status="operating")
        for project in projects[::3]
        if project.first_delivery_on
    )


@pytest.fixture
def convention():
    national = ConventionFactory(scope="national", province=None, envelope=Decimal("100000000"))
    contribute(national, "INDH", "100000000")
    return national


SCOPES = {
    "province": lambda: place_scope(province("04.291")),
    "region": lambda: place_scope(region("04")),
    "national": national_scope,
}


def queries_of(function) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


@pytest.mark.parametrize("level", SCOPES)
def test_the_figures_take_as_many_queries_with_10_or_1000_projects(level, khemisset_staff, convention):
    scope = SCOPES[level]()
    grow(10, khemisset_staff, convention)
    few = queries_of(lambda: compute(Selection(scope)))
    grow(990, khemisset_staff, convention, start=10)
    assert MicroProject.objects.count() == 1000
    many = queries_of(lambda: compute(Selection(scope)))
    assert few == many
    assert many <= 15
    filtered = Selection(scope, partner=partner("INDH"), sector="trade", year=convention.year)
    assert queries_of(lambda: compute(filtered)) <= 15


@pytest.mark.parametrize(
    ("persona", "url"),
    [("khemisset_staff", "/dashboards/province/04.291/"), ("admin_user", "/dashboards/national/")],
)
def test_a_dashboard_page_takes_as_many_queries_with_10_or_1000_projects(
    request, client_for, khemisset_staff, convention, persona, url
):
    client = client_for(request.getfixturevalue(persona))
    grow(10, khemisset_staff, convention)
    client.get(url)  # the session and the user, loaded once
    few = queries_of(lambda: client.get(url))
    grow(990, khemisset_staff, convention, start=10)
    many = queries_of(lambda: client.get(url))
    assert few == many
