"""The project lists and their export cost the same number of queries for 5 rows as for 50, and no
more than a pinned number (the same on SQLite and PostgreSQL).

The pins are today's counts. A change that adds a query on purpose raises its pin, with the reason
in the comment; a query per row shows up as 5 ≠ 50 first.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import MicroProject
from tests.factories import BeneficiaryFactory, ProjectFactory, consent, fund
from tests.projects.scenes import khemisset_convention

pytestmark = pytest.mark.django_db

# Session, user, the authenticator-app question, whether the user has a scope at all (asked by the
# convention filter's choices), the count, the page's keys, its rows (lead, province and technical
# partner joined, the amount asked as a subquery), the menu's visits-due count, the user's province
# in the menu, the convention and partner filters' options, then the session's renewal (savepoint,
# update, release).
STAFF_PAGE_QUERIES = 15  # + the provinces of the filter a dashboard's links fill
# The same without the filter bar and the menu (whose counts are not even computed).
STAFF_FRAGMENT_QUERIES = 10
# A coordinator's page: the same, and the partner they act for (is it technical? it decides which
# worklist the menu shows), and the count of that worklist.
COORDINATOR_PAGE_QUERIES = 17
# The visits-due worklist has no filter bar: the list's page without the two filters' options.
WORKLIST_PAGE_QUERIES = 12
# Session, user, the app question, the scope question, the rows, their co-beneficiaries (one
# query for all), the access log, the session's renewal.
EXPORT_QUERIES = 10


def queries_of(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(queries), response


def count_for(client, path, **headers):
    """Queries of one request, after a first one (which fills per-process caches such as content types)."""
    client.get(path, headers=headers)
    return queries_of(client, path, **headers)


def projects(count, by, convention, **fields):
    """`count` projects, each with its own lead, a co-beneficiary and two funding lines."""
    made = []
    for _ in range(count):
        project = ProjectFactory(lead=consent(BeneficiaryFactory()), created_by=by, **fields)
        project.co_beneficiaries.add(consent(BeneficiaryFactory()))
        fund(project, convention, "INDH", "20000")
        fund(project, convention, "FM6RD", "10000", kind="cash")
        made.append(project)
    return made


def rows_on_page(response) -> int:
    return len(response.context["page"].object_list)


@pytest.mark.parametrize(
    ("headers", "pinned"),
    [({}, STAFF_PAGE_QUERIES), ({"HX-Request": "true"}, STAFF_FRAGMENT_QUERIES)],
    ids=["page", "htmx fragment"],
)
def test_the_project_list_costs_the_same_queries_for_5_and_50_rows(client_for, khemisset_staff, headers, pinned):
    client, convention = client_for(khemisset_staff), khemisset_convention()
    projects(5, khemisset_staff, convention)
    five, response = count_for(client, reverse("projects:list"), **headers)
    assert rows_on_page(response) == 5
    projects(45, khemisset_staff, convention)
    fifty, response = queries_of(client, reverse("projects:list"), **headers)
    assert rows_on_page(response) == 25  # a full page
    assert five == fifty
    assert fifty <= pinned


def submit_all(made, by):
    for project in made:
        project.submit(by=by)


def test_a_coordinators_list_costs_the_same_queries_for_5_and_50_rows(client_for, khemisset_staff, khemisset_indh):
    client, convention = client_for(khemisset_indh), khemisset_convention()
    submit_all(projects(5, khemisset_staff, convention), khemisset_staff)
    five, response = count_for(client, reverse("projects:list"))
    assert rows_on_page(response) == 5
    submit_all(projects(45, khemisset_staff, convention), khemisset_staff)
    fifty, response = queries_of(client, reverse("projects:list"))
    assert rows_on_page(response) == 25
    assert five == fifty
    assert fifty <= COORDINATOR_PAGE_QUERIES


def test_the_visits_due_worklist_costs_the_same_queries_for_5_and_50_rows(client_for, khemisset_staff):
    client, convention = client_for(khemisset_staff), khemisset_convention()

    def due(count):
        made = projects(count, khemisset_staff, convention)
        MicroProject.objects.filter(pk__in=[project.pk for project in made]).update(
            status=MicroProject.Status.APPROVED, next_visit_due=timezone.localdate() - timedelta(days=1)
        )

    due(5)
    five, response = count_for(client, reverse("projects:visits_due"))
    assert rows_on_page(response) == 5
    due(45)
    fifty, response = queries_of(client, reverse("projects:visits_due"))
    assert rows_on_page(response) == 25
    assert five == fifty
    assert fifty <= WORKLIST_PAGE_QUERIES


def test_an_export_costs_the_same_queries_for_5_and_50_projects(client_for, khemisset_staff):
    client, convention = client_for(khemisset_staff), khemisset_convention()
    path = reverse("projects:export", args=["xlsx"])
    projects(5, khemisset_staff, convention)
    five, _response = count_for(client, path)
    projects(45, khemisset_staff, convention)
    fifty, _response = queries_of(client, path)
    assert five == fifty
    assert fifty <= EXPORT_QUERIES
