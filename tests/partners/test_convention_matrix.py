"""Who may use each convention screen: every persona of tests/conftest.py × every convention view.

Conventions hold no personal data: everyone with a scope reads those that cover it (200), a
convention outside the scope does not exist for them (404), and only administrators create and
edit (403 for the others, after the 404 of the scope).
"""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.conftest import RABAT
from tests.factories import ConventionFactory, UserFactory, province

OK, FORBIDDEN, NOT_FOUND = 200, 403, 404

PERSONAS = [
    "khemisset_staff",
    "rabat_staff",
    "rsk_coordinator",
    "khemisset_indh",
    "khemisset_official",
    "admin_user",
    "unscoped_coordinator",
]


def table(*outcomes):
    return dict(zip(PERSONAS, outcomes, strict=True))


#                 Khémisset staff, Rabat staff, RSK ANAPEC, Khémisset INDH, official, admin, unscoped
READ_KHEMISSET = table(OK, NOT_FOUND, OK, OK, OK, OK, NOT_FOUND)
EDIT_KHEMISSET = table(FORBIDDEN, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND)
LIST = table(OK, OK, OK, OK, OK, OK, FORBIDDEN)
CREATE = table(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN)
LISTED = table(
    {"KHE-2020", "NAT-2021"},
    {"RAB-2021", "NAT-2021"},
    {"KHE-2020", "RAB-2021", "NAT-2021"},
    {"KHE-2020", "NAT-2021"},
    {"KHE-2020", "NAT-2021"},
    {"KHE-2020", "RAB-2021", "NAT-2021"},
    FORBIDDEN,
)


@pytest.fixture
def conventions(db):
    """A Khémisset convention, a Rabat one and a national one."""
    return {
        "khemisset": ConventionFactory(reference="KHE-2020"),
        "rabat": ConventionFactory(reference="RAB-2021", province=province(RABAT)),
        "national": ConventionFactory(reference="NAT-2021", scope="national", province=None),
    }


@pytest.fixture
def as_persona(request, in_english, db):
    def log_in(persona):
        return in_english(request.getfixturevalue(persona))

    return log_in


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_shows_the_conventions_of_the_scope(as_persona, conventions, persona):
    response = as_persona(persona).get(reverse("partners:convention_list"))
    assert response.status_code == (FORBIDDEN if LISTED[persona] == FORBIDDEN else OK)
    if response.status_code == OK:
        shown = {figures.convention.reference for figures in response.context["figures"]}
        assert shown == LISTED[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("view", ["convention_detail", "convention_document"])
def test_a_khemisset_convention_is_read_in_its_scope_only(as_persona, conventions, persona, view):
    from django.core.files.base import ContentFile

    khemisset = conventions["khemisset"]
    khemisset.document.save("signed.pdf", ContentFile(b"%PDF-1.4 signed"), save=True)
    response = as_persona(persona).get(reverse(f"partners:{view}", args=[khemisset.pk]))
    assert response.status_code == READ_KHEMISSET[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_edit_a_convention(as_persona, conventions, persona):
    khemisset = conventions["khemisset"]
    client = as_persona(persona)
    url = reverse("partners:convention_edit", args=[khemisset.pk])
    assert client.get(url).status_code == EDIT_KHEMISSET[persona]
    response = client.post(url, {"title": "Changed"})
    assert response.status_code == EDIT_KHEMISSET[persona]  # the admin's post is incomplete: the form again
    khemisset.refresh_from_db()
    assert khemisset.title != "Changed"


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_create_a_convention(as_persona, conventions, persona):
    client = as_persona(persona)
    url = reverse("partners:convention_create")
    assert client.get(url).status_code == CREATE[persona]
    assert client.post(url, {"reference": "NEW-1"}).status_code == CREATE[persona]
    assert not conventions["khemisset"]._meta.model.objects.filter(reference="NEW-1").exists()


def test_a_coordinator_acting_for_no_partner_is_refused_even_in_scope(in_english, conventions):
    lost = UserFactory(username="lost", role=User.Role.COORDINATOR, province=province("04.291"), partner=None)
    client = in_english(lost)
    assert client.get(reverse("partners:convention_list")).status_code == FORBIDDEN
    assert client.get(conventions["khemisset"].get_absolute_url()).status_code == FORBIDDEN


@pytest.mark.parametrize(
    ("persona", "in_menu"),
    [("khemisset_official", True), ("rsk_coordinator", True), ("admin_user", True), ("unscoped_coordinator", False)],
)
def test_the_menu_offers_conventions_to_everyone_with_a_scope(as_persona, persona, in_menu):
    menu = as_persona(persona).get(reverse("home")).context["nav_entries"]
    assert ({"label": "Conventions", "url": reverse("partners:convention_list"), "count": None} in menu) is in_menu


@pytest.mark.parametrize(
    ("persona", "linked"),
    [("khemisset_staff", True), ("khemisset_indh", True), ("admin_user", True), ("khemisset_official", False)],
)
def test_the_convention_links_to_its_projects_for_those_who_read_projects(as_persona, conventions, persona, linked):
    khemisset = conventions["khemisset"]
    page = as_persona(persona).get(khemisset.get_absolute_url()).content.decode()
    link = f'href="{reverse("projects:list")}?convention={khemisset.pk}"'
    assert (link in page) is linked


def test_only_administrators_see_the_new_and_edit_buttons(in_english, admin_user, khemisset_official, conventions):
    khemisset = conventions["khemisset"]
    edit = f'href="{reverse("partners:convention_edit", args=[khemisset.pk])}"'
    create = f'href="{reverse("partners:convention_create")}"'
    assert edit in in_english(admin_user).get(khemisset.get_absolute_url()).content.decode()
    assert create in in_english(admin_user).get(reverse("partners:convention_list")).content.decode()
    assert edit not in in_english(khemisset_official).get(khemisset.get_absolute_url()).content.decode()
    assert create not in in_english(khemisset_official).get(reverse("partners:convention_list")).content.decode()
