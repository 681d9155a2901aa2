"""Who may use each registry screen: every persona of tests/conftest.py × every registry view.

A user gets 200 (or, after a change that worked, the redirect to the record) in scope, 404 for a
record outside their scope, 403 when their role may not, and 405 for a GET on a change. Each case
builds its own beneficiary (the test database is rolled back after each), because a POST that
works changes it; a refused one must leave it exactly as it was.

Both people have a project submitted to ANAPEC (it studies them): the RSK coordinator acts for
ANAPEC and needs to know them. tests/projects/test_need_to_know.py covers the people they may not see.
"""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.models import AccessLog, Beneficiary, Consent
from tests.conftest import KHEMISSET, RABAT
from tests.factories import BeneficiaryFactory, province
from tests.need_to_know import submitted_project

OK, FORBIDDEN, NOT_FOUND = "ok", 403, 404

PERSONAS = [
    "khemisset_staff",
    "rabat_staff",
    "rsk_coordinator",
    "khemisset_official",
    "admin_user",
    "unscoped_coordinator",
]


def table(*outcomes):
    return dict(zip(PERSONAS, outcomes, strict=True))


#                 Khémisset staff, Rabat staff, RSK coordinator, official, admin, unscoped coordinator
READ_RECORD = table(OK, NOT_FOUND, OK, FORBIDDEN, OK, NOT_FOUND)
# A coordinator may not change records: refused on the role (403) in scope; outside it (the
# unscoped coordinator sees nobody) the record does not exist for them (404), as for everyone.
CHANGE_RECORD = table(OK, NOT_FOUND, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND)
REGISTER = table(OK, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN)
# Lists and exports have no record to 404 on: what is outside the scope is simply not in them.
LISTED = table({"Zemmouri"}, {"Tazi"}, {"Zemmouri", "Tazi"}, FORBIDDEN, {"Zemmouri", "Tazi"}, set())

MUTATIONS = ["reveal_cin", "change_status", "record_consent", "withdraw_consent"]  # POST only


@pytest.fixture
def khadija(db):
    """A Khémisset beneficiary with a programme consent (for the withdrawal), and a project."""
    person = BeneficiaryFactory(
        cin="KZ123456",
        first_name="Khadija",
        last_name="Zemmouri",
        phone="+212661234567",
        date_of_birth=date(1991, 4, 12),
    )
    Consent.objects.create(
        beneficiary=person, purpose=Consent.Purpose.PROGRAMME, given_on=date(2025, 1, 1), recorded_by=person.created_by
    )
    submitted_project(person)  # adds the consent to sharing with partners; "project in preparation"
    return person


@pytest.fixture
def tazi(db):
    person = BeneficiaryFactory(cin="RB765432", first_name="Karim", last_name="Tazi", province=province(RABAT))
    submitted_project(person)
    return person


@pytest.fixture
def as_persona(request, client_for, db):
    # `db` named here: pytest-django orders tests by the fixtures it can see, and a persona fetched by
    # name is invisible to it (the test would run after the browser tests have emptied the tables).
    def log_in(persona):
        client = client_for(request.getfixturevalue(persona))
        client.cookies["idmaj_language"] = "en"
        return client

    return log_in


def url(name, *args):
    return reverse(f"beneficiaries:{name}", args=args)


def state(person):
    """Everything a change could touch, read again from the database."""
    person = Beneficiary.objects.get(pk=person.pk)
    consents = sorted(person.consents.values_list("purpose", "given_on", "withdrawn_on"))
    return person.status, person.phone, consents, AccessLog.objects.filter(action="reveal_cin").count()


def record_form(person, **changes):
    data = {
        "cin": person.cin,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth.isoformat(),
        "phone": person.phone,
        "province": person.province_id,  # only administrators have the field; staff keep their province
        "release_date": person.release_date.isoformat(),
        "dependants": "0",
    }
    return {**data, **changes}


def registration():
    return {
        "cin": "GK456789",
        "first_name": "Fatima",
        "last_name": "Amrani",
        "sex": "F",
        "date_of_birth": "1992-03-04",
        "province": province(KHEMISSET).pk,
        "release_date": "2025-02-01",
        "dependants": "0",
        "consent_given_on": "2025-03-01",
    }


def exported_names(response, file_format):
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(response.content)).active.rows]
    column = rows[0].index("Last name (Latin script)")  # the header, then one row per person
    return {row[column] for row in rows[1:]}


# Lists and exports


@pytest.mark.parametrize(("persona", "listed"), LISTED.items(), ids=PERSONAS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx fragment"])
def test_the_list_shows_each_persona_the_people_of_their_scope(as_persona, khadija, tazi, persona, listed, htmx):
    response = as_persona(persona).get(url("list"), headers={"HX-Request": "true"} if htmx else {})
    if listed == FORBIDDEN:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert ("<html" in response.text) is not htmx  # the fragment is the results only
    assert {name for name in ("Zemmouri", "Tazi") if name in response.text} == listed
    assert f"{len(listed)} beneficiar" in response.text  # the count says so too ("1 beneficiary found")


@pytest.mark.parametrize(("persona", "listed"), LISTED.items(), ids=PERSONAS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_holds_the_people_of_the_personas_scope_only(
    as_persona, khadija, tazi, persona, listed, file_format
):
    response = as_persona(persona).get(url("export", file_format))
    if listed == FORBIDDEN:
        assert response.status_code == 403
        assert not AccessLog.objects.filter(action="export").exists()
        return
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    assert exported_names(response, file_format) == listed


# Registering


@pytest.mark.parametrize(("persona", "expected"), REGISTER.items())
def test_the_registration_form(as_persona, persona, expected):
    response = as_persona(persona).get(url("create"))
    assert response.status_code == (200 if expected == OK else expected)
    if expected == OK:
        assert 'name="cin"' in response.text


@pytest.mark.parametrize(("persona", "expected"), REGISTER.items())
def test_registering_a_beneficiary(request, as_persona, persona, expected):
    response = as_persona(persona).post(url("create"), registration())
    if expected != OK:
        assert response.status_code == expected
        assert not Beneficiary.objects.exists()
        return
    registered = Beneficiary.objects.get(cin="GK456789")
    assert (response.status_code, response["Location"]) == (302, url("detail", registered.pk))
    user = request.getfixturevalue(persona)
    # Staff register into their own province, whatever is posted; the administrator chose Khémisset.
    assert registered.province.code == (user.province.code if user.province_id else KHEMISSET)


# One record: reading it


@pytest.mark.parametrize(("persona", "expected"), READ_RECORD.items())
def test_the_record_page(as_persona, khadija, persona, expected):
    response = as_persona(persona).get(url("detail", khadija.pk))
    assert response.status_code == (200 if expected == OK else expected)
    if expected == OK:
        assert "Khadija Zemmouri" in response.text
        assert "KZ****56" in response.text
        # Only those who may change the record are offered to.
        assert (url("edit", khadija.pk) in response.text) == (CHANGE_RECORD[persona] == OK)
    assert AccessLog.objects.filter(action="view").count() == (1 if expected == OK else 0)


@pytest.mark.parametrize(("persona", "expected"), CHANGE_RECORD.items())
def test_the_edit_form(as_persona, khadija, persona, expected):
    response = as_persona(persona).get(url("edit", khadija.pk))
    assert response.status_code == (200 if expected == OK else expected)
    if expected == OK:
        assert 'value="KZ123456"' in response.text


# One record: changing it


def programme_consent(person):
    return person.consents.get(purpose=Consent.Purpose.PROGRAMME)


def post_change(client, name, person):
    consent = programme_consent(person)
    posts = {
        "edit": (url("edit", person.pk), record_form(person, phone="0700112233")),
        "reveal_cin": (url("reveal_cin", person.pk), {}),
        # A project is being prepared: leaving the programme is the one move made by hand.
        "change_status": (
            url("change_status", person.pk),
            {"status": "exited", "exit_reason": "moved_away", "confirm": "1"},
        ),
        "record_consent": (url("record_consent", person.pk), {"purpose": "partners", "given_on": "2025-01-10"}),
        "withdraw_consent": (url("withdraw_consent", person.pk, consent.pk), {"withdrawn_on": "2025-06-30"}),
    }
    target, data = posts[name]
    return client.post(target, data)


def assert_changed(name, response, person, before):
    """What the user sees when the change worked, and the change itself."""
    status, phone, consents, reveals = before
    if name == "reveal_cin":
        assert response.status_code == 200
        assert "KZ123456" in response.text
        assert state(person) == (status, phone, consents, reveals + 1)
        return
    assert (response.status_code, response["Location"]) == (302, url("detail", person.pk))
    expected = {
        "edit": (status, "+212700112233", consents, reveals),
        "change_status": ("exited", phone, consents, reveals),
        "record_consent": (status, phone, sorted([*consents, ("partners", date(2025, 1, 10), None)]), reveals),
        "withdraw_consent": (
            status,
            phone,
            sorted(
                (purpose, given_on, date(2025, 6, 30) if purpose == "programme" else withdrawn_on)
                for purpose, given_on, withdrawn_on in consents
            ),
            reveals,
        ),
    }
    assert state(person) == expected[name]


@pytest.mark.parametrize(("persona", "expected"), CHANGE_RECORD.items())
@pytest.mark.parametrize("name", ["edit", *MUTATIONS])
def test_each_change_to_a_record(as_persona, khadija, name, persona, expected):
    before = state(khadija)
    response = post_change(as_persona(persona), name, khadija)
    if expected == OK:
        assert_changed(name, response, khadija, before)
    else:
        assert response.status_code == expected
        assert state(khadija) == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", MUTATIONS)
def test_a_get_on_a_change_answers_405_and_changes_nothing(as_persona, khadija, name, persona):
    args = [khadija.pk, programme_consent(khadija).pk] if name == "withdraw_consent" else [khadija.pk]
    before = state(khadija)
    assert as_persona(persona).get(url(name, *args)).status_code == 405
    assert state(khadija) == before
