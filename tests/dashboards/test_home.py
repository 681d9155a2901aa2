"""The home page: an official's is their dashboard's headline; staff get a card to theirs; the menu
has a "Dashboard" entry for every role with a scope."""

import re

import pytest
from django.utils import translation

from tests.dashboards.world import build_world

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def world(khemisset_staff, admin_user):
    return build_world(khemisset_staff, admin_user)


def test_an_officials_home_shows_the_headline_of_their_dashboard(world, client_for, khemisset_official):
    with translation.override("fr"):
        response = client_for(khemisset_official).get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    html = response.content.decode()
    card = html[html.index('id="dashboard-card"') :]
    card = text_of(card[: card.index("btn btn-primary mt-3")])
    assert 'href="/dashboards/province/04.291/"' in html
    # Beneficiaries 14, committed 116,000 MAD, delivered 85,000 MAD (see test_exact_figures).
    assert re.search(r"\b14\b", card)
    assert re.search(r"116[ .,]?000", card) and re.search(r"85[ .,]?000", card)


def test_staff_get_a_dashboard_card_not_the_headline(world, client_for, khemisset_staff):
    html = client_for(khemisset_staff).get("/").content.decode()
    assert 'id="dashboard-card"' not in html
    assert 'class="stretched-link" href="/dashboards/province/04.291/"' in html


@pytest.mark.parametrize("persona", ["khemisset_official", "khemisset_staff", "rsk_coordinator", "admin_user"])
def test_the_menu_has_a_dashboard_entry(request, client_for, persona):
    with translation.override("en"):
        html = client_for(request.getfixturevalue(persona)).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<a[^>]*href="/dashboards/"[^>]*>\s*Dashboard\s*</a>', html), "menu entry"


def test_no_dashboard_entry_without_a_scope(client_for, unscoped_coordinator):
    html = client_for(unscoped_coordinator).get("/").content.decode()
    assert 'href="/dashboards/"' not in html
