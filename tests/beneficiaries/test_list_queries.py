"""Lists cost the same number of queries for 5 rows as for 50, and no more than a pinned number.

The pins are today's counts. A change that adds a query on purpose raises its pin, with the reason in
the comment; a query per row shows up as 5 ≠ 50 first.
"""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import ImportJob
from tests.factories import BeneficiaryFactory, UserFactory, province

# Session, user, whether the user has an authenticator app (asked on every request of a session
# that gave no code: another session may have set one up), count, the page's keys, its rows with
# their provinces, the province filter's options, the user's province in the menu, the menu's
# count of follow-up visits due (projects), then the session's renewal (savepoint, update, release).
LIST_PAGE_QUERIES = 12
# The same without the filter bar and the menu.
LIST_FRAGMENT_QUERIES = 9
# Session, user, the app question, the user's province, the ten recent imports with their province
# and uploader in one query, the menu's count of visits due, the session's renewal.
UPLOAD_PAGE_QUERIES = 9


def queries_of(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(queries), response


def count_for(client, path, **headers):
    """Queries of one request, after a first one (which fills per-process caches such as content types)."""
    client.get(path, headers=headers)
    return queries_of(client, path, **headers)


@pytest.mark.parametrize(
    ("headers", "pinned"),
    [({}, LIST_PAGE_QUERIES), ({"HX-Request": "true"}, LIST_FRAGMENT_QUERIES)],
    ids=["page", "htmx fragment"],
)
def test_the_beneficiary_list_costs_the_same_queries_for_5_and_50_rows(client_for, khemisset_staff, headers, pinned):
    client = client_for(khemisset_staff)
    BeneficiaryFactory.create_batch(5)
    five, response = count_for(client, reverse("beneficiaries:list"), **headers)
    assert len(response.context["page"].object_list) == 5
    BeneficiaryFactory.create_batch(45)
    fifty, response = queries_of(client, reverse("beneficiaries:list"), **headers)
    assert len(response.context["page"].object_list) == 25  # a full page
    assert five == fifty
    assert fifty <= pinned


def import_jobs(count, by):
    for n in range(count):
        ImportJob.objects.create(
            created_by=UserFactory(username=f"uploader{by.pk}-{n}"),  # a different uploader on each row
            province=province("04.291"),
            original_name=f"liste-{n}.csv",
            file=ContentFile(b"cin\nAB1\n", name="liste.csv"),
        )


def test_the_recent_imports_cost_the_same_queries_for_5_and_50_imports(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    import_jobs(5, khemisset_staff)
    five, response = count_for(client, reverse("beneficiaries:import_upload"))
    assert len(response.context["jobs"]) == 5
    import_jobs(45, khemisset_staff)
    fifty, response = queries_of(client, reverse("beneficiaries:import_upload"))
    assert len(response.context["jobs"]) == 10  # the page lists the ten most recent
    assert five == fifty
    assert fifty <= UPLOAD_PAGE_QUERIES
