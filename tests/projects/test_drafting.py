"""Drafting a project and editing the draft: who may, and bad input that writes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.forms import FundingLineFormSet, ProjectForm
from projects.models import FundingLine, MicroProject
from projects.views.editing import save_draft
from tests.factories import BeneficiaryFactory, ConventionFactory, consent, contribute, partner, province
from tests.projects.scenes import drafted, khemisset_convention, submitted

pytestmark = pytest.mark.django_db

RABAT = "04.421"


@pytest.fixture
def convention():
    return khemisset_convention()


@pytest.fixture
def lead(db):
    return consent(
        BeneficiaryFactory(cin="AB123467", first_name="Khadija", last_name="Zemmouri", commune="Sidi Allal El Bahraoui")
    )


@pytest.fixture
def english(client_for):
    def login(user):
        client = client_for(user)
        client.cookies["idmaj_language"] = "en"
        return client

    return login


def line(convention, acronym, amount, kind="equipment", **extra):
    return {"partner": partner(acronym).pk, "convention": convention.pk, "kind": kind, "amount": amount, **extra}


def draft_data(*lines, initial=0, **fields):
    """What the form posts: the project's fields, then its funding lines as a formset."""
    data = {
        "title": "Sewing workshop",
        "sector": "crafts",
        "activity": "Two sewing machines and fabric for the first months.",
        "commune": "Tiflet",
        "total_cost": "30000",
        "own_contribution": "2000",
        "expected_jobs": "2",
        "technical_partner": partner("ANAPEC").pk,
        "co_beneficiary_cins": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(lines):
        data |= {f"lines-{index}-{key}": value for key, value in values.items()}
    return data | fields


def create_url(lead=None):
    path = reverse("projects:create")
    return f"{path}?lead={lead.pk}" if lead else path


def edit_url(project):
    return reverse("projects:edit", args=[project.pk])


def nothing_written():
    return not MicroProject.objects.exists() and not FundingLine.objects.exists()


# --- drafting ------------------------------------------------------------------------------------


def test_staff_draft_a_project_for_the_person_chosen_on_their_record(english, khemisset_staff, lead, convention):
    client = english(khemisset_staff)
    data = draft_data(line(convention, "INDH", "20000"), line(convention, "FM6RD", "8000", kind="cash"))
    response = client.post(create_url(lead), data)
    project = MicroProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert (project.lead, project.province, project.created_by) == (lead, lead.province, khemisset_staff)
    assert (project.status, project.total_cost, project.own_contribution) == ("draft", 30000, 2000)
    assert sorted(project.lines.values_list("partner__acronym", "kind", "amount")) == [
        ("FM6RD", "cash", Decimal("8000.00")),
        ("INDH", "equipment", Decimal("20000.00")),
    ]
    page = client.get(response["Location"]).text
    assert "The draft is saved." in page
    assert 'id="plan-problems"' not in page  # complete and consented: ready to submit


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_amounts_may_be_typed_with_a_decimal_comma(client_for, khemisset_staff, lead, convention, language):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = language
    data = draft_data(line(convention, "INDH", "27999,50"), total_cost="30000,50", own_contribution="2001")
    assert client.post(create_url(lead), data).status_code == 302
    project = MicroProject.objects.get()
    assert (project.total_cost, project.lines.get().amount) == (Decimal("30000.50"), Decimal("27999.50"))


def test_the_lead_may_be_typed_as_a_cin_as_people_write_it(english, khemisset_staff, lead):
    response = english(khemisset_staff).post(create_url(), draft_data(lead_cin=" ab-١٢٣٤٦٧ "))
    assert response.status_code == 302
    assert MicroProject.objects.get().lead == lead


def test_co_beneficiaries_are_typed_as_cins_separated_by_commas(english, khemisset_staff, lead):
    amina = BeneficiaryFactory(cin="CD11", first_name="Amina")
    omar = BeneficiaryFactory(cin="EF22", first_name="Omar")
    english(khemisset_staff).post(create_url(lead), draft_data(co_beneficiary_cins="cd11، ef 22, CD11"))
    assert set(MicroProject.objects.get().co_beneficiaries.all()) == {amina, omar}


def test_the_empty_form_proposes_the_leads_commune_and_anapec(english, khemisset_staff, lead):
    response = english(khemisset_staff).get(create_url(lead))
    form = response.context["form"]
    assert "lead_cin" not in form.fields  # the lead is the one chosen on the record
    assert form["commune"].value() == "Sidi Allal El Bahraoui"
    assert form["technical_partner"].value() == partner("ANAPEC").pk
    assert "Khadija Zemmouri" in response.text
    assert nothing_written()


def test_an_incomplete_plan_may_be_saved_and_its_page_says_what_is_missing(english, khemisset_staff, lead):
    client = english(khemisset_staff)
    response = client.post(create_url(lead), draft_data())
    assert response.status_code == 302
    assert "Add at least one funding line." in client.get(response["Location"]).text


def test_a_lead_outside_the_users_scope_is_not_found(english, khemisset_staff):
    rabat_person = BeneficiaryFactory(province=province(RABAT))
    client = english(khemisset_staff)
    assert client.get(create_url(rabat_person)).status_code == 404
    assert client.post(create_url(rabat_person), draft_data()).status_code == 404
    assert client.get(reverse("projects:create") + "?lead=abc").status_code == 404
    assert nothing_written()


@pytest.mark.parametrize("persona", ["khemisset_official", "rsk_coordinator", "khemisset_indh"])
def test_officials_and_coordinators_may_not_draft(english, request, persona, lead, khemisset_staff, convention):
    client = english(request.getfixturevalue(persona))
    project = submitted(convention, khemisset_staff)
    assert client.get(create_url(lead)).status_code == 403
    assert client.post(create_url(lead), draft_data()).status_code == 403
    assert client.post(edit_url(project), draft_data(title="Changed")).status_code == 403
    assert MicroProject.objects.get().title != "Changed"


# --- bad input writes nothing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Sewing\x07workshop"}, "This text contains an invisible or control character (U+0007)"),
        ({"own_contribution": "40000"}, "The own contribution cannot exceed the total cost."),
        ({"total_cost": "0"}, "Ensure this value is greater than or equal to 0.01."),
        ({"co_beneficiary_cins": "ZZ9"}, "No one with the CIN ZZ9 is registered in your scope."),
        ({"co_beneficiary_cins": "AB123467"}, "Khadija Zemmouri is the lead beneficiary"),
        ({"co_beneficiary_cins": "12AB"}, "“12AB” is not a CIN"),
    ],
)
def test_bad_project_fields_are_refused_with_a_message(english, khemisset_staff, lead, convention, fields, message):
    data = draft_data(line(convention, "INDH", "20000"), **fields)
    response = english(khemisset_staff).post(create_url(lead), data)
    assert response.status_code == 200
    assert message in response.text
    assert "Nothing is saved yet" in response.text
    assert nothing_written()


def test_a_lead_cin_answers_the_same_whether_registered_elsewhere_or_nowhere(english, khemisset_staff):
    BeneficiaryFactory(cin="RB765432", province=province(RABAT))
    client = english(khemisset_staff)
    elsewhere = client.post(create_url(), draft_data(lead_cin="RB765432"))
    nowhere = client.post(create_url(), draft_data(lead_cin="RB765433"))
    assert "No one with the CIN RB765432 is registered in your scope" in elsewhere.text
    assert "No one with the CIN RB765433 is registered in your scope" in nowhere.text
    assert "Rabat" not in elsewhere.text.split('id="error-summary"')[1].split("</div>")[0]
    assert nothing_written()


def test_a_co_beneficiary_of_another_province_is_refused_for_staff_as_unknown(english, khemisset_staff, lead):
    BeneficiaryFactory(cin="RB765432", province=province(RABAT))
    response = english(khemisset_staff).post(create_url(lead), draft_data(co_beneficiary_cins="RB765432"))
    assert "No one with the CIN RB765432 is registered in your scope." in response.text
    assert nothing_written()


def test_an_admin_is_told_a_co_beneficiary_belongs_to_another_province(english, admin_user, lead):
    BeneficiaryFactory(cin="RB765432", first_name="Karim", last_name="Tazi", province=province(RABAT))
    response = english(admin_user).post(create_url(lead), draft_data(co_beneficiary_cins="RB765432"))
    assert "Karim Tazi is registered in Rabat: everyone in a project belongs to its province, Khémisset." in (
        response.text.replace("&#x27;", "'")
    )
    assert nothing_written()


def test_a_convention_outside_the_province_is_refused(english, admin_user, lead):
    rabat = ConventionFactory(reference="RAB-2020-001", province=province(RABAT))
    contribute(rabat, "INDH", "500000")
    response = english(admin_user).post(create_url(), draft_data(line(rabat, "INDH", "28000"), lead_cin="AB123467"))
    assert "Convention RAB-2020-001 does not cover Khémisset." in response.text
    assert nothing_written()


def test_staff_are_offered_only_the_conventions_covering_their_province(english, khemisset_staff, lead, convention):
    rabat = ConventionFactory(reference="RAB-2020-001", province=province(RABAT))
    response = english(khemisset_staff).post(create_url(lead), draft_data(line(rabat, "INDH", "28000")))
    assert "Choose a convention that covers Khémisset." in response.text
    offered = response.context["lines"].forms[0].fields["convention"].queryset
    assert list(offered) == [convention]
    assert nothing_written()


def test_a_partner_without_a_contribution_to_the_convention_is_refused(english, khemisset_staff, lead):
    only_indh = ConventionFactory(reference="KHE-2020-INDH")
    contribute(only_indh, "INDH", "500000")
    response = english(khemisset_staff).post(create_url(lead), draft_data(line(only_indh, "FM6RD", "28000")))
    assert "FM6RD has no contribution in convention KHE-2020-INDH." in response.text
    assert nothing_written()


def test_the_same_source_twice_is_refused(english, khemisset_staff, lead, convention):
    data = draft_data(line(convention, "INDH", "10000"), line(convention, "INDH", "18000"))
    response = english(khemisset_staff).post(create_url(lead), data)
    assert "Please correct the duplicate data for partner, convention and kind" in response.text
    assert nothing_written()


def test_a_line_without_an_amount_is_refused(english, khemisset_staff, lead, convention):
    response = english(khemisset_staff).post(create_url(lead), draft_data(line(convention, "INDH", "")))
    assert "Funding line 1" in response.text
    assert nothing_written()


# --- editing the draft ---------------------------------------------------------------------------


def existing(project):
    """The project's lines as the edit form posts them back."""
    return [
        {"id": saved.pk, "partner": saved.partner_id, "convention": saved.convention_id, "kind": saved.kind,
         "amount": saved.amount}
        for saved in project.lines.order_by("pk")
    ]  # fmt: skip


def test_staff_correct_the_draft_and_its_plan(english, khemisset_staff, convention):
    project = drafted(convention, khemisset_staff)
    amina = BeneficiaryFactory(cin="CD11", first_name="Amina")
    indh, fm6rd = existing(project)
    fm6rd["DELETE"] = "on"
    data = draft_data(
        {**indh, "amount": "22000"},
        fm6rd,
        line(convention, "FM6RD", "6000", kind="equipment"),
        initial=2,
        title="Sewing and embroidery workshop",
        co_beneficiary_cins="CD11",
    )
    response = english(khemisset_staff).post(edit_url(project), data)
    assert response.status_code == 302, (response.context["form"].errors, response.context["lines"].errors)
    project.refresh_from_db()
    assert project.title == "Sewing and embroidery workshop"
    assert list(project.co_beneficiaries.all()) == [amina]
    assert sorted(project.lines.values_list("partner__acronym", "kind", "amount")) == [
        ("FM6RD", "equipment", Decimal("6000.00")),
        ("INDH", "equipment", Decimal("22000.00")),
    ]


def test_unticking_a_co_beneficiary_takes_them_out(english, khemisset_staff, convention):
    project = drafted(convention, khemisset_staff)
    amina, omar = BeneficiaryFactory(first_name="Amina"), BeneficiaryFactory(first_name="Omar")
    project.co_beneficiaries.add(amina, omar)
    data = draft_data(*existing(project), initial=2, kept_co_beneficiaries=[omar.pk])
    english(khemisset_staff).post(edit_url(project), data)
    assert list(project.co_beneficiaries.all()) == [omar]


def test_the_edit_form_shows_the_draft_with_room_for_one_more_line(english, khemisset_staff, convention):
    project = drafted(convention, khemisset_staff)
    response = english(khemisset_staff).get(edit_url(project))
    assert response.context["form"]["title"].value() == project.title
    assert len(response.context["lines"].forms) == 3
    assert "lead_cin" not in response.context["form"].fields  # the project stays its lead's


def test_a_submitted_project_is_no_longer_edited(english, khemisset_staff, convention):
    project = submitted(convention, khemisset_staff)
    client = english(khemisset_staff)
    for response in (client.get(edit_url(project)), client.post(edit_url(project), draft_data(title="Changed"))):
        assert response.status_code == 302
        assert response["Location"] == project.get_absolute_url()
    assert "This project is submitted: only a draft can be changed." in client.get(project.get_absolute_url()).text
    project.refresh_from_db()
    assert project.title != "Changed"


def test_a_draft_submitted_while_the_form_was_open_is_not_changed(khemisset_staff, convention):
    project = drafted(convention, khemisset_staff)
    form = ProjectForm(
        draft_data(*existing(project), initial=2, title="Changed"), instance=project, user=khemisset_staff
    )
    lines = FundingLineFormSet(
        draft_data(*existing(project), initial=2), instance=project, user=khemisset_staff, prefix="lines"
    )
    MicroProject.objects.get(pk=project.pk).submit(by=khemisset_staff)  # meanwhile, in another tab
    assert save_draft(form, lines, khemisset_staff) is None
    assert "only a draft can be changed" in str(form.non_field_errors())
    assert MicroProject.objects.get(pk=project.pk).title != "Changed"


def test_staff_of_another_province_get_404_on_the_edit_form(english, rabat_staff, khemisset_staff, convention):
    project = drafted(convention, khemisset_staff)
    client = english(rabat_staff)
    assert client.get(edit_url(project)).status_code == 404
    assert client.post(edit_url(project), draft_data(title="Changed")).status_code == 404


def test_an_admin_edits_a_draft_anywhere(english, admin_user, khemisset_staff, convention):
    project = drafted(convention, khemisset_staff)
    response = english(admin_user).post(edit_url(project), draft_data(*existing(project), initial=2, title="Renamed"))
    assert response.status_code == 302
    assert MicroProject.objects.get().title == "Renamed"
