"""The convention list costs the same number of queries for 3 conventions as for 30, and no more
than a pinned number.

The pins are today's counts. A change that adds a query on purpose raises its pin, with the reason
in the comment; a query per convention shows up as 3 ≠ 30 first.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ConventionFactory, ProjectFactory, contribute, fund

# Session, user, whether the user has an authenticator app, whether the user's scope has a
# province (Convention.objects.visible_to), the count, the page of conventions with their places,
# their contributions with their partners, the people funded, the committed amounts and what
# lines waiting for a decision still ask (the projects app's three), what the ledger has delivered
# (the disbursements app's one), the menu's one count for staff (visits due) and the user's
# province, then the session's renewal (savepoint, update, release).
LIST_QUERIES = 16


def queries_of(client, path):
    client.get(path)  # a first request fills per-process caches (content types, the apps' modules)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


def add_conventions(count, staff):
    for _ in range(count):
        convention = ConventionFactory()
        contribute(convention, "INDH", "1200000")
        contribute(convention, "FM6RD", "1000000")
        contribute(convention, "ANAPEC", "0", in_kind="Étude")
        project = ProjectFactory(total_cost=Decimal("30000"), created_by=staff)
        fund(project, convention, "INDH", "30000")


@pytest.mark.django_db
def test_the_convention_list_costs_the_same_queries_for_3_and_30_conventions(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    add_conventions(3, khemisset_staff)
    three, response = queries_of(client, reverse("partners:convention_list"))
    assert len(response.context["figures"]) == 3
    add_conventions(27, khemisset_staff)
    thirty, response = queries_of(client, reverse("partners:convention_list"))
    assert len(response.context["figures"]) == 30
    assert three == thirty
    assert thirty <= LIST_QUERIES
