"""Creating and editing a convention: the envelope and the contributions change through the
convention's locked methods, all in one transaction, and every refusal is a message on the form
with nothing written."""

from decimal import Decimal

import pytest
from django.urls import reverse

from partners.models import Contribution, Convention
from reintegration.lib.money import format_mad
from tests.factories import ConventionFactory, contribute, partner, province
from tests.partners.conftest import form_data, party_prefixes

pytestmark = pytest.mark.django_db


def mad(amount) -> str:
    return format_mad(Decimal(amount), "en")


@pytest.fixture
def admin_client(in_english, admin_user):
    return in_english(admin_user)


@pytest.fixture
def editing(admin_client, convention):
    """editing() → (the data the edit page sends unchanged, {acronym: its line's prefix})."""

    def read():
        page = admin_client.get(reverse("partners:convention_edit", args=[convention.pk]))
        return form_data(page), party_prefixes(page)

    return read


def post_edit(client, convention, data):
    return client.post(reverse("partners:convention_edit", args=[convention.pk]), data)


def amounts(convention) -> dict:
    return {c.partner.acronym: c.amount for c in convention.contributions.select_related("partner")}


def written(convention) -> tuple:
    """Everything a save could have written: the row, the parties, and both histories."""
    convention.refresh_from_db()
    return (
        convention.title,
        convention.envelope,
        amounts(convention),
        Convention.history.count(),
        Contribution.history.count(),
    )


def errors_of(response) -> list[str]:
    """The messages of the page's error summary."""
    assert response.status_code == 200
    form, parties = response.context["form"], response.context["parties"]
    messages = [str(e) for errors in form.errors.values() for e in errors]
    messages += [str(e) for party in parties for errors in party.errors.values() for e in errors]
    return messages


# ----- creating --------------------------------------------------------------------------------


def new_convention_data(admin_client, **changes):
    data = form_data(admin_client.get(reverse("partners:convention_create")))
    data.update(
        {
            "reference": "TIF-2024-01",
            "title": "Insertion économique à Tiflet",
            "scope": "province",
            "province": str(province("04.291").pk),
            "signed_on": "2024-03-12",
            "year": "2024",
            "indh_phase": "none",
            "starts_on": "2024-04-01",
            "ends_on": "2026-03-31",
            "envelope": "500000",
            "target_beneficiaries": "20",
            "parties-0-partner": str(partner("INDH").pk),
            "parties-0-amount": "300000",
            "parties-1-partner": str(partner("ANAPEC").pk),
            "parties-1-amount": "0",
            "parties-1-in_kind": "Étude technique et financière",
        }
    )
    data.update(changes)
    return data


def test_an_administrator_creates_a_convention_with_its_parties(admin_client, admin_user):
    response = admin_client.post(reverse("partners:convention_create"), new_convention_data(admin_client))
    convention = Convention.objects.get(reference="TIF-2024-01")
    assert response.status_code == 302
    assert response["Location"] == convention.get_absolute_url()
    assert (convention.province.code, convention.envelope) == ("04.291", Decimal("500000"))
    assert amounts(convention) == {"INDH": Decimal("300000"), "ANAPEC": Decimal("0")}
    assert convention.contributions.get(partner__acronym="ANAPEC").in_kind == "Étude technique et financière"
    assert {record.history_user for record in Contribution.history.all()} == {admin_user}
    assert convention.history.get().history_user == admin_user


def test_parties_beyond_the_envelope_leave_no_new_convention(admin_client):
    data = new_convention_data(
        admin_client, **{"parties-1-partner": str(partner("FM6RD").pk), "parties-1-amount": "250000"}
    )
    response = admin_client.post(reverse("partners:convention_create"), data)
    assert errors_of(response) == [f"Only {mad('200000')} of the envelope is left for FM6RD."]
    assert not Convention.objects.exists()
    assert not Contribution.objects.exists()
    assert response.context["form"].instance.pk is None  # the form is a new convention's still


def test_a_refused_new_convention_leaves_no_stored_document(admin_client, settings):
    data = new_convention_data(admin_client, **{"parties-0-amount": "900000"})
    data["document"] = document("signed.pdf", b"%PDF-1.4 signed")
    admin_client.post(reverse("partners:convention_create"), data)
    assert not Convention.objects.exists()
    assert [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] == []


def document(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


# ----- the envelope and the contributions ------------------------------------------------------


def test_a_raise_beyond_the_envelope_saves_nothing_of_the_form(admin_client, convention, editing):
    data, lines = editing()
    data["title"] = "Nouveau titre"
    data[f"{lines['FM6RD']}-amount"] = "900000"  # lowered: would leave 1,300,000 for INDH
    data[f"{lines['INDH']}-amount"] = "1500000"
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    assert errors_of(response) == [f"Only {mad('1300000')} of the envelope is left for INDH."]
    assert written(convention) == before


def test_the_envelope_and_a_contribution_raised_together_are_saved(admin_client, convention, editing):
    data, lines = editing()
    data["envelope"] = "3000000"
    data[f"{lines['INDH']}-amount"] = "2000000"
    assert post_edit(admin_client, convention, data).status_code == 302
    convention.refresh_from_db()
    assert convention.envelope == Decimal("3000000")
    assert amounts(convention)["INDH"] == Decimal("2000000")


def test_the_envelope_and_a_contribution_lowered_together_are_saved(admin_client, convention, editing):
    data, lines = editing()
    data["envelope"] = "2000000"
    data[f"{lines['INDH']}-amount"] = "1000000"
    assert post_edit(admin_client, convention, data).status_code == 302
    convention.refresh_from_db()
    assert convention.envelope == Decimal("2000000")
    assert amounts(convention)["INDH"] == Decimal("1000000")


def test_the_envelope_cannot_fall_below_what_the_parties_contribute(admin_client, convention, editing):
    data, _lines = editing()
    data["envelope"] = "2000000"
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    assert errors_of(response) == [f"The parties already contribute {mad('2200000')}: the envelope cannot be smaller."]
    assert written(convention) == before


def test_a_contribution_cannot_fall_below_what_its_partner_committed(admin_client, convention, editing, decide):
    decide(convention, {"INDH": ("20000", "approve")})
    data, lines = editing()
    data[f"{lines['INDH']}-amount"] = "15000"
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    assert errors_of(response) == [
        f"INDH has already committed {mad('20000')} from this convention: its contribution cannot be smaller."
    ]
    assert written(convention) == before


def test_a_party_with_commitments_cannot_be_removed(admin_client, convention, editing, decide):
    decide(convention, {"INDH": ("20000", "approve")})
    data, lines = editing()
    data[f"{lines['INDH']}-DELETE"] = "on"
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    assert errors_of(response) == [
        f"INDH has already committed {mad('20000')} from this convention: its contribution cannot be removed."
    ]
    assert written(convention) == before


def test_a_party_asked_for_by_a_line_still_waiting_cannot_be_removed(admin_client, convention, editing, decide):
    decide(convention, {"INDH": ("20000", "wait")})  # studied, INDH's decision to come
    data, lines = editing()
    data[f"{lines['INDH']}-DELETE"] = "on"
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    assert errors_of(response) == [
        f"Projects under way ask {mad('20000')} of INDH under this convention: its contribution cannot be removed."
    ]
    assert written(convention) == before


def test_a_party_whose_project_was_rejected_can_be_removed(admin_client, convention, editing, decide, admin_user):
    decide(convention, {"INDH": ("7000", "approve"), "FM6RD": ("1000", "reject")})  # commits nothing
    data, lines = editing()
    data[f"{lines['INDH']}-DELETE"] = "on"
    assert post_edit(admin_client, convention, data).status_code == 302
    assert "INDH" not in amounts(convention)
    removal = Contribution.history.get(history_type="-")
    assert (removal.partner.acronym, removal.history_user) == ("INDH", admin_user)


def test_a_new_party_is_added_and_an_in_kind_party_described(admin_client, convention, editing):
    convention.contributions.filter(partner__acronym="FM6RD").delete()
    data, lines = editing()
    data["parties-2-partner"] = str(partner("FM6RD").pk)  # the blank line
    data["parties-2-amount"] = "500000"
    data[f"{lines['ANAPEC']}-in_kind"] = "Étude, accompagnement et suivi"
    assert post_edit(admin_client, convention, data).status_code == 302
    assert amounts(convention)["FM6RD"] == Decimal("500000")
    assert convention.contributions.get(partner__acronym="ANAPEC").in_kind == "Étude, accompagnement et suivi"


def test_a_partner_listed_twice_is_named(admin_client, convention, editing):
    data, _lines = editing()
    data["parties-3-partner"] = str(partner("INDH").pk)
    data["parties-3-amount"] = "1000"
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    assert errors_of(response) == [
        "INDH is already a party to this convention: change its line instead of adding another."
    ]
    assert written(convention) == before


def test_a_party_added_by_someone_else_meanwhile_is_not_overwritten(admin_client, convention, editing):
    convention.contributions.filter(partner__acronym="FM6RD").delete()
    data, _lines = editing()
    contribute(convention, "FM6RD", "600000")  # another administrator, after this page was loaded
    data["parties-2-partner"] = str(partner("FM6RD").pk)
    data["parties-2-amount"] = "100000"
    response = post_edit(admin_client, convention, data)
    assert errors_of(response) == ["FM6RD was added to this convention meanwhile: reload the page to change it."]
    assert amounts(convention)["FM6RD"] == Decimal("600000")


def test_what_this_administrator_did_not_change_is_not_written_back(admin_client, convention, editing):
    """Two administrators on one convention: the second, whose page still shows INDH at 1,200,000,
    lowers FM6RD; INDH's raise by the first stays."""
    data, lines = editing()
    convention.contributions.filter(partner__acronym="FM6RD").update(amount=Decimal("500000"))
    convention.set_contribution(partner("INDH"), Decimal("1700000"), by=None)  # the first administrator
    data[f"{lines['FM6RD']}-amount"] = "400000"
    assert post_edit(admin_client, convention, data).status_code == 302
    assert amounts(convention) == {"INDH": Decimal("1700000"), "FM6RD": Decimal("400000"), "ANAPEC": Decimal("0")}


def test_an_envelope_changed_meanwhile_is_not_written_back(admin_client, convention, editing):
    data, _lines = editing()
    convention.set_envelope(Decimal("2500000"), by=None)  # another administrator
    data["title"] = "Titre corrigé"
    assert post_edit(admin_client, convention, data).status_code == 302
    convention.refresh_from_db()
    assert (convention.title, convention.envelope) == ("Titre corrigé", Decimal("2500000"))
    assert convention.history.first().envelope == Decimal("2500000")  # the history shows what is stored


# ----- bad input -------------------------------------------------------------------------------

BAD_INPUT = {
    "a control character": ({"title": "Titre\x07"}, "title", "invisible or control character (U+0007)"),
    "an end before the start": ({"ends_on": "2019-12-31"}, "ends_on", "The convention cannot end before it starts."),
    "a province scope without province": ({"province": ""}, "province", "Choose the province this convention covers."),
    "a region scope without region": ({"scope": "region"}, "region", "Choose the region this convention covers."),
    "a negative envelope": ({"envelope": "-1"}, "envelope", "greater than or equal to 0"),
    "a year before INDH": ({"year": "1999"}, "year", "greater than or equal to 2005"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_explained_on_its_field_and_nothing_is_written(admin_client, convention, editing, case):
    changes, field, message = BAD_INPUT[case]
    data, _lines = editing()
    data.update(changes)
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert written(convention) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [("-5", "greater than or equal to 0"), ("12\x00", "Enter a number."), ("abc", "Enter a number.")],
)
def test_a_bad_amount_is_explained_on_its_line_and_nothing_is_written(
    admin_client, convention, editing, value, message
):
    data, lines = editing()
    data[f"{lines['FM6RD']}-amount"] = value
    before = written(convention)
    response = post_edit(admin_client, convention, data)
    [error] = errors_of(response)
    assert message in error
    assert written(convention) == before


def test_a_control_character_in_an_in_kind_description_is_refused(admin_client, convention, editing):
    data, lines = editing()
    data[f"{lines['ANAPEC']}-in_kind"] = "Étude\u202e"
    before = written(convention)
    [error] = errors_of(post_edit(admin_client, convention, data))
    assert "invisible or control character (U+202E)" in error
    assert written(convention) == before


def test_a_province_left_selected_is_dropped_when_the_scope_becomes_national(admin_client, convention, editing):
    data, _lines = editing()
    data["scope"] = "national"  # the province select still holds Khémisset
    assert post_edit(admin_client, convention, data).status_code == 302
    convention.refresh_from_db()
    assert (convention.scope, convention.province, convention.region) == ("national", None, None)


def test_a_taken_reference_is_refused(admin_client, convention, editing):
    ConventionFactory(reference="KHE-2015-INDH")
    data, _lines = editing()
    data["reference"] = "KHE-2015-INDH"
    response = post_edit(admin_client, convention, data)
    assert list(response.context["form"].errors) == ["reference"]
    convention.refresh_from_db()
    assert convention.reference == "KHE-2020-FM6RD-CPDH"
