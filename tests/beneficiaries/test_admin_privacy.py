"""The Django admin only looks at people, and every look that shows a full CIN is logged as a reveal."""

from datetime import date

import pytest
from django.urls import reverse

from beneficiaries.models import AccessLog, Beneficiary, Consent
from tests.factories import BeneficiaryFactory, province


@pytest.fixture
def person(db, khemisset_staff):
    person = BeneficiaryFactory(cin="XB123450", last_name="El Idrissi")
    person.commune = "Tiflet"
    person._history_user = khemisset_staff
    person.save()  # a second version, so there is history to look at
    return person


def version_url(person, version):
    return reverse("admin:beneficiaries_beneficiary_simple_history", args=[person.pk, version.history_id])


def reveals(user) -> int:
    return AccessLog.objects.filter(user=user, action=AccessLog.Action.REVEAL_CIN).count()


def test_posting_an_old_version_changes_nothing(client_for, admin_user, person):
    """What simple-history's revert form accepted: an unnormalised CIN, two status steps, another province."""
    first = person.history.earliest()
    response = client_for(admin_user).post(
        version_url(person, first),
        {
            "cin": "zz 1",
            "status": "funded",
            "province": province("04.421").pk,
            "sex": "M",
            "date_of_birth": "1980-01-01",
        },
    )
    assert response.status_code == 405
    person.refresh_from_db()
    assert (person.cin, person.status, person.province.code) == ("XB123450", Beneficiary.Status.REGISTERED, "04.291")
    assert person.history.count() == 2


def test_an_old_version_can_still_be_read_and_reading_it_is_a_reveal(client_for, admin_user, person):
    response = client_for(admin_user).get(version_url(person, person.history.earliest()))
    assert response.status_code == 200
    assert "XB123450" in response.text
    assert 'type="submit"' not in response.text.split('id="content-main"')[1]  # nothing to save
    assert reveals(admin_user) == 1


@pytest.mark.parametrize(
    "admin_page", ["admin:beneficiaries_beneficiary_change", "admin:beneficiaries_beneficiary_history"]
)
def test_the_record_and_its_history_in_the_admin_are_logged_as_reveals(client_for, admin_user, person, admin_page):
    response = client_for(admin_user).get(reverse(admin_page, args=[person.pk]))
    assert response.status_code == 200
    log = AccessLog.objects.get(user=admin_user)
    assert (log.action, log.beneficiary) == (AccessLog.Action.REVEAL_CIN, person)


def test_the_admin_does_not_search_by_cin_since_its_search_sits_in_the_url(client_for, admin_user, person):
    changelist = reverse("admin:beneficiaries_beneficiary_changelist")
    client = client_for(admin_user)
    assert client.get(changelist, {"q": "Idrissi"}).context["cl"].result_count == 1
    assert client.get(changelist, {"q": "XB123450"}).context["cl"].result_count == 0


@pytest.fixture
def consent(person, khemisset_staff):
    return Consent.objects.create(
        beneficiary=person, purpose=Consent.Purpose.PROGRAMME, given_on=date(2025, 1, 1), recorded_by=khemisset_staff
    )


def test_consents_are_read_only_in_the_admin_and_reading_one_is_logged(client_for, admin_user, consent):
    client = client_for(admin_user)
    change = reverse("admin:beneficiaries_consent_change", args=[consent.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"given_on": "2020-01-01", "purpose": "programme"}).status_code == 403
    assert client.get(reverse("admin:beneficiaries_consent_add")).status_code == 403
    assert (
        client.post(reverse("admin:beneficiaries_consent_delete", args=[consent.pk]), {"post": "yes"}).status_code
        == 403
    )
    consent.refresh_from_db()
    assert consent.given_on == date(2025, 1, 1)
    log = AccessLog.objects.get(user=admin_user)
    assert (log.action, log.beneficiary) == (AccessLog.Action.VIEW, consent.beneficiary)


def test_reverting_is_disabled(settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
