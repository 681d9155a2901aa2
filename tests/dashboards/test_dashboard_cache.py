"""The figures are served from the cache until a write they depend on commits: the next request
after a delivery, an approval or a visit shows it; a rolled-back write changes nothing."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.dashboards.figures_io import get_json
from tests.disbursements.stages import approved_project, plan_equipment
from tests.factories import UserFactory, partner
from tests.projects.workflow_stages import khemisset_convention, studied

pytestmark = pytest.mark.django_db

URL = "/dashboards/province/04.291/"


class Rollback(Exception):
    pass


@pytest.fixture
def coordinators(db):
    from accounts.models import User

    return {
        acronym: UserFactory(
            username=f"cache.{acronym.lower()}",
            role=User.Role.COORDINATOR,
            province=None,
            national=True,
            partner=partner(acronym),
        )
        for acronym in ("ANAPEC", "INDH", "FM6RD")
    }


@pytest.fixture
def project(khemisset_staff, coordinators):
    c = coordinators
    return approved_project(khemisset_staff, c["ANAPEC"], c["INDH"], c["FM6RD"])


def counted(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


def test_the_second_request_is_served_from_the_cache(project, client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.get(URL)  # the session, the user
    cache.clear()
    first = counted(client, URL, format="json")
    second = counted(client, URL, format="json")
    assert len(second) < len(first)
    # Neither the summary nor the ceremonies are read again (the filters' menus still list the conventions).
    figures = ("dashboards_summary", "disbursements_ceremony", "partners_contribution")
    assert any(table in sql for sql in first for table in figures)
    assert not any(table in sql for sql in second for table in figures)


def test_a_delivery_shows_on_the_next_request(project, client_for, khemisset_staff, django_capture_on_commit_callbacks):
    client = client_for(khemisset_staff)
    assert get_json(client, URL)["money"]["delivered"] == 0
    handover = plan_equipment(project, khemisset_staff)  # 20,000 of INDH equipment
    with django_capture_on_commit_callbacks(execute=True):
        handover.deliver(by=khemisset_staff, on=timezone.localdate())
    figures = get_json(client, URL)
    assert figures["money"]["delivered"] == Decimal("20000")
    assert figures["projects"]["by_status"]["in_handover"] == 1


def test_a_rolled_back_write_leaves_the_cached_figures(
    project, client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    handover = plan_equipment(project, khemisset_staff)
    get_json(client, URL)
    warm = counted(client, URL, format="json")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Rollback), transaction.atomic():
        handover.deliver(by=khemisset_staff, on=timezone.localdate())
        raise Rollback
    # Still cached: no figure asked again, and nothing delivered.
    assert len(counted(client, URL, format="json")) == len(warm)
    assert get_json(client, URL)["money"]["delivered"] == 0


def test_an_approval_and_a_visit_move_the_figures(
    client_for, khemisset_staff, coordinators, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    project = studied(khemisset_convention(), khemisset_staff, coordinators["ANAPEC"])
    assert get_json(client, URL)["money"]["committed"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        for line in project.lines.select_related("partner"):
            project.approve_line(line, by=coordinators[line.partner.acronym])
    figures = get_json(client, URL)
    assert figures["money"]["committed"] == Decimal("28000")  # 20,000 INDH + 8,000 FM6RD
    assert figures["pipeline"]["approved_not_delivered"] == {"projects": 1, "amount": Decimal("28000")}
    assert figures["follow_up"]["reported_jobs"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        project.record_visit(by=khemisset_staff, visited_on=timezone.localdate(), business_status="operating", jobs=4)
    assert get_json(client, URL)["follow_up"]["reported_jobs"] == 4
