"""Every registry view that takes a record answers 404 outside the scope first, then 403 for the role.

The order matters: a refused role must not learn whether a record exists in another province.
"""

import pytest
from django.urls import get_resolver, reverse

from accounts.models import User
from beneficiaries.models import AccessLog, Beneficiary, Consent, ImportJob
from tests.factories import BeneficiaryFactory, UserFactory, province
from tests.need_to_know import submitted_project

pytestmark = pytest.mark.django_db

# Route name → (method, who may use it). Every beneficiaries route with a <pk> must be listed.
RECORD_ROUTES = {
    "detail": ("get", "readers"),
    "edit": ("get", "writers"),
    "reveal_cin": ("post", "writers"),
    "change_status": ("post", "writers"),
    "step_back_status": ("post", "writers"),
    "record_consent": ("post", "writers"),
    "withdraw_consent": ("post", "writers"),
    "import_detail": ("get", "writers"),
    "import_status": ("get", "writers"),
    "import_confirm": ("post", "writers"),
    "import_cancel": ("post", "writers"),
    "import_errors": ("get", "writers"),
}


def test_every_route_with_a_record_is_checked_here():
    routes = {name for name, pattern in beneficiary_routes() if "pk" in pattern}
    assert routes == set(RECORD_ROUTES)


def beneficiary_routes():
    for name, patterns in get_resolver().namespace_dict["beneficiaries"][1].reverse_dict.items():
        if isinstance(name, str):
            yield name, patterns[0][0][1]


@pytest.fixture
def records(khemisset_staff):
    """A person, their consent and an import, in Khémisset."""
    person = BeneficiaryFactory(cin="AB123467")
    consent = Consent.objects.create(
        beneficiary=person, purpose=Consent.Purpose.PROGRAMME, given_on="2025-01-01", recorded_by=khemisset_staff
    )
    job = ImportJob.objects.create(
        created_by=khemisset_staff, province=province("04.291"), original_name="x.csv", file="imports/x.csv"
    )
    return {"person": person, "consent": consent, "job": job, "status": Beneficiary.Status.REGISTERED}


@pytest.fixture
def known_to_anapec(records):
    """The same records, the person with a project submitted to ANAPEC (which studies it): the
    ANAPEC coordinator needs to know them, so the record is in their scope (no 404 to hide behind)."""
    submitted_project(records["person"])
    return {**records, "status": Beneficiary.Status.PROJECT_IN_PREPARATION}


def record_url(name, records):
    if name.startswith("import_"):
        args = [records["job"].pk]
    elif name == "withdraw_consent":
        args = [records["person"].pk, records["consent"].pk]
    else:
        args = [records["person"].pk]
    return reverse(f"beneficiaries:{name}", args=args)


def ask(client, name, records):
    method, _ = RECORD_ROUTES[name]
    return getattr(client, method)(record_url(name, records))


def nothing_changed(records):
    person, job = records["person"], records["job"]
    assert Beneficiary.objects.get(pk=person.pk).status == records["status"]
    assert Consent.objects.get(pk=records["consent"].pk).withdrawn_on is None
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.QUEUED
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("name", RECORD_ROUTES)
def test_staff_of_another_province_get_404(client_for, rabat_staff, records, name):
    assert ask(client_for(rabat_staff), name, records).status_code == 404
    nothing_changed(records)


@pytest.mark.parametrize("name", RECORD_ROUTES)
def test_an_official_of_another_province_gets_404_not_403(client_for, records, name):
    """Scope first: the 403 would tell a Rabat official that record exists."""
    official = UserFactory(username="rabat.official", role=User.Role.OFFICIAL, province=province("04.421"))
    assert ask(client_for(official), name, records).status_code == 404


@pytest.mark.parametrize("name", RECORD_ROUTES)
def test_an_official_in_scope_gets_403(client_for, khemisset_official, records, name):
    assert ask(client_for(khemisset_official), name, records).status_code == 403
    nothing_changed(records)


@pytest.mark.parametrize("name", [name for name, (_, who) in RECORD_ROUTES.items() if who == "writers"])
def test_a_coordinator_in_scope_gets_403_on_what_only_staff_do(client_for, rsk_coordinator, known_to_anapec, name):
    assert ask(client_for(rsk_coordinator), name, known_to_anapec).status_code == 403
    nothing_changed(known_to_anapec)


def test_the_detail_page_offers_a_coordinator_no_edit_and_no_reveal(client_for, rsk_coordinator, known_to_anapec):
    person = known_to_anapec["person"]
    response = client_for(rsk_coordinator).get(reverse("beneficiaries:detail", args=[person.pk]))
    assert response.status_code == 200
    page = response.text
    assert reverse("beneficiaries:edit", args=[person.pk]) not in page
    assert reverse("beneficiaries:reveal_cin", args=[person.pk]) not in page


def test_the_detail_page_offers_staff_edit_and_reveal(client_for, khemisset_staff, records):
    person = records["person"]
    page = client_for(khemisset_staff).get(reverse("beneficiaries:detail", args=[person.pk])).text
    assert reverse("beneficiaries:edit", args=[person.pk]) in page
    assert reverse("beneficiaries:reveal_cin", args=[person.pk]) in page
