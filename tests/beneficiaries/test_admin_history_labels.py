"""The admin's history of a person reads in labels ("Accompanied", "Male"), never in stored codes."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import BeneficiaryFactory


def changes(response) -> list[str]:
    """The texts of the history page's "Changes" cells, one per changed field."""
    html = response.content.decode()
    items = re.findall(r"<li>\s*<strong>(.*?)</li>", html, flags=re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


@pytest.fixture
def moved_person(db, khemisset_staff):
    person = BeneficiaryFactory(sex="F")
    person.move_to("accompanied", by=khemisset_staff)
    person.refresh_from_db()
    person.sex = "M"
    person._history_user = khemisset_staff
    person.save()
    return person


def history_page(client, person, language):
    client.cookies["idmaj_language"] = language
    return client.get(reverse("admin:beneficiaries_beneficiary_history", args=[person.pk]))


def test_the_history_shows_status_and_sex_labels_not_codes(client_for, admin_user, moved_person):
    response = history_page(client_for(admin_user), moved_person, "fr")
    assert response.status_code == 200
    assert "Statut: Inscrit → Accompagné" in changes(response)
    assert "Sexe: Femme → Homme" in changes(response)


def test_the_history_in_arabic_shows_the_arabic_labels(client_for, admin_user, moved_person):
    shown = " ".join(changes(history_page(client_for(admin_user), moved_person, "ar")))
    assert "accompanied" not in shown
    assert "مسجل" in shown  # Registered


def test_an_empty_value_and_an_empty_change_reason_show_no_none(client_for, admin_user, db, khemisset_staff):
    person = BeneficiaryFactory(commune="")
    person.commune = "Tiflet"
    person._history_user = khemisset_staff
    person.save()
    response = history_page(client_for(admin_user), person, "fr")
    assert "Commune: — → Tiflet" in changes(response)
    assert "None" not in response.content.decode()
