"""Attack: a ceremony's date typed years off (9999-12-31, 0001-01-01) is refused, as a single
handover's planned date is: a ceremony's handovers take its day and its year's numbers
(KHE-9999-0001), so a typo there would number and date every handover added to it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from disbursements.models import Ceremony
from tests.disbursements.ceremony_scenes import ceremony, in_english  # noqa: F401 (fixture)


def create(client, held_on):
    return client.post(
        reverse("disbursements:ceremony_create"),
        {"held_on": held_on, "place": "Khémisset", "presided_by": "le Gouverneur"},
    )


@pytest.mark.parametrize("held_on", ["9999-12-31", "0001-01-01", "2062-01-15"])
def test_a_ceremony_dated_years_away_is_refused_and_not_created(client_for, khemisset_staff, held_on):
    response = create(client_for(khemisset_staff), held_on)
    assert response.status_code == 200
    assert "within two years" in response.text
    assert not Ceremony.objects.exists()


def test_a_ceremony_of_next_month_is_created(client_for, khemisset_staff):
    day = timezone.localdate() + timedelta(days=30)
    response = create(client_for(khemisset_staff), day.isoformat())
    assert response.status_code == 302
    assert Ceremony.objects.get().held_on == day


def test_an_old_ceremony_keeps_its_date_when_its_place_is_corrected(client_for, khemisset_staff):
    old = ceremony(khemisset_staff, held_on=timezone.localdate().replace(year=2015))
    response = client_for(khemisset_staff).post(
        reverse("disbursements:ceremony_edit", args=[old.pk]),
        {"held_on": old.held_on.isoformat(), "place": "Tiflet", "presided_by": "le Gouverneur"},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.place == "Tiflet"


def test_moving_a_ceremony_to_9999_is_refused(client_for, khemisset_staff):
    held = ceremony(khemisset_staff)
    response = client_for(khemisset_staff).post(
        reverse("disbursements:ceremony_edit", args=[held.pk]),
        {"held_on": "9999-12-31", "place": "Khémisset", "presided_by": "le Gouverneur"},
    )
    assert "within two years" in response.text
    held.refresh_from_db()
    assert held.held_on == timezone.localdate()
