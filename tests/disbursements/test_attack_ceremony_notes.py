"""Attack: a ceremony's notes are bounded as a handover's are (2,000 characters): a pasted document
of 100,000 characters is refused on the form, not stored and shown on every visit of the page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from disbursements.models import Ceremony
from tests.disbursements.ceremony_scenes import in_english  # noqa: F401 (fixture)


def create(client, notes):
    return client.post(
        reverse("disbursements:ceremony_create"),
        {
            "held_on": timezone.localdate().isoformat(),
            "place": "Khémisset",
            "presided_by": "le Gouverneur",
            "notes": notes,
        },
    )


@pytest.mark.parametrize("length", [10_000, 100_000])
def test_notes_of_a_whole_document_are_refused_and_nothing_created(client_for, khemisset_staff, length):
    response = create(client_for(khemisset_staff), "x" * length)
    assert response.status_code == 200
    assert "at most 2000 characters" in response.text
    assert not Ceremony.objects.exists()


def test_notes_of_a_paragraph_are_kept(client_for, khemisset_staff):
    assert create(client_for(khemisset_staff), "Salle de la province, 10 h. " * 50).status_code == 302
    assert Ceremony.objects.get().notes.startswith("Salle de la province")
