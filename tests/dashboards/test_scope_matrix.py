"""Who sees which dashboard: 200 in scope, 404 outside (never reveal what lies beyond), the same for
every export; bad formats and filters answer 400 with a message and no figures."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory, region

pytestmark = pytest.mark.django_db

KHEMISSET, RABAT = "/dashboards/province/04.291/", "/dashboards/province/04.421/"
CASABLANCA = "/dashboards/province/06.141/"
REGION, OTHER_REGION, NATIONAL = "/dashboards/region/04/", "/dashboards/region/06/", "/dashboards/national/"
FORMATS = ({}, {"format": "json"}, {"format": "csv"}, {"format": "xlsx"})


@pytest.fixture
def rsk_official(db):
    return UserFactory(username="rsk.official", role=User.Role.OFFICIAL, province=None, region=region("04"))


def answers(client, url):
    return {params.get("format", "page"): client.get(url, params).status_code for params in FORMATS}


def everywhere(status):
    return {"page": status, "json": status, "csv": status, "xlsx": status}


MATRIX = [
    # persona, url, status
    ("khemisset_official", KHEMISSET, 200),
    ("khemisset_official", RABAT, 404),
    ("khemisset_official", REGION, 404),
    ("khemisset_official", NATIONAL, 404),
    ("rsk_coordinator", REGION, 200),
    ("rsk_coordinator", KHEMISSET, 200),
    ("rsk_coordinator", RABAT, 200),
    ("rsk_coordinator", OTHER_REGION, 404),
    ("rsk_coordinator", CASABLANCA, 404),
    ("rsk_coordinator", NATIONAL, 404),
    ("rsk_official", REGION, 200),
    ("rsk_official", OTHER_REGION, 404),
    ("khemisset_staff", KHEMISSET, 200),
    ("khemisset_staff", RABAT, 404),
    ("khemisset_staff", REGION, 404),
    ("khemisset_staff", NATIONAL, 404),
    ("rabat_staff", RABAT, 200),
    ("rabat_staff", KHEMISSET, 404),
    ("admin_user", KHEMISSET, 200),
    ("admin_user", CASABLANCA, 200),
    ("admin_user", REGION, 200),
    ("admin_user", OTHER_REGION, 200),
    ("admin_user", NATIONAL, 200),
]


@pytest.mark.parametrize(("persona", "url", "status"), MATRIX)
def test_the_scope_matrix_holds_for_the_page_and_every_export(request, client_for, persona, url, status):
    client = client_for(request.getfixturevalue(persona))
    assert answers(client, url) == everywhere(status)


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("khemisset_official", KHEMISSET),
        ("khemisset_staff", KHEMISSET),
        ("rsk_coordinator", REGION),
        ("admin_user", NATIONAL),
    ],
)
def test_the_dashboards_root_opens_ones_own_scope(request, client_for, persona, target):
    response = client_for(request.getfixturevalue(persona)).get("/dashboards/", {"year": "2020"})
    assert response.status_code == 302
    assert response["Location"] == f"{target}?year=2020"


def test_a_user_without_a_scope_gets_404(client_for, unscoped_coordinator):
    client = client_for(unscoped_coordinator)
    assert client.get("/dashboards/").status_code == 404
    assert answers(client, KHEMISSET) == everywhere(404)


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in ("/dashboards/", KHEMISSET, NATIONAL, f"{NATIONAL}?format=json"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login")), url


def test_an_unknown_place_is_404(client_for, admin_user):
    client = client_for(admin_user)
    assert client.get("/dashboards/province/99.999/").status_code == 404
    assert client.get("/dashboards/region/99/").status_code == 404


def test_an_unknown_format_is_400(client_for, khemisset_staff):
    response = client_for(khemisset_staff).get(KHEMISSET, {"format": "pdf"})
    assert response.status_code == 400
    assert b"csv, xlsx or json" in response.content


def test_an_invalid_filter_is_a_400_page_with_a_message_and_no_figures(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    for params in ({"year": "1999"}, {"sector": "piracy"}, {"convention": "999999"}, {"partner": "x"}):
        response = client.get(KHEMISSET, params)
        assert response.status_code == 400, params
        assert response.context["body_html"] is None
        html = response.content.decode()
        assert "A filter is not valid" in html
        assert 'id="dashboard-charts"' not in html and "Beneficiaries by status" not in html
        export = client.get(KHEMISSET, {**params, "format": "json"})
        assert export.status_code == 400 and b"filter is not valid" in export.content


def test_a_place_with_nothing_recorded_has_its_dashboard(client_for, rabat_staff):
    """No ceremony, no project, no person: zeros, not an error (a ceremony-less place answered 500)."""
    response = client_for(rabat_staff).get(RABAT, {"format": "json"})
    assert response.status_code == 200
    figures = response.json()
    assert (figures["beneficiaries"]["total"], figures["projects"]["total"], figures["ceremonies"]) == (0, 0, [])
