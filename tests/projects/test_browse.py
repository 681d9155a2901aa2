"""The project list, its export, the worklists, the menu's counts, the home card and a project's page."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import AccessLog
from projects.models import MicroProject
from projects.permissions import available_actions
from reintegration.lib import contributions
from tests.factories import BeneficiaryFactory, ConventionFactory, ProjectFactory, consent, fund, partner
from tests.factories import province as province_of
from tests.projects.scenes import approved, drafted, khemisset_convention, studied, submitted

pytestmark = pytest.mark.django_db

RABAT = "04.421"


@pytest.fixture
def convention():
    return khemisset_convention()


@pytest.fixture
def english(client_for):
    def login(user):
        client = client_for(user)
        client.cookies["idmaj_language"] = "en"
        return client

    return login


def url(name, *args):
    return reverse(f"projects:{name}", args=args)


def titles(response) -> list[str]:
    return [project.title for project in response.context["page"].object_list]


# --- who may see the list ----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(url("list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "path",
    [
        url("list"),
        url("awaiting_study"),
        url("awaiting_approval"),
        url("visits_due"),
        url("export", "csv"),
        "detail",
    ],
)
def test_officials_are_told_project_pages_hold_personal_data(english, khemisset_official, khemisset_staff, path):
    project = ProjectFactory(created_by=khemisset_staff)
    response = english(khemisset_official).get(project.get_absolute_url() if path == "detail" else path)
    assert response.status_code == 403
    assert "This page shows personal data about beneficiaries." in response.text
    assert project.title not in response.text


def test_staff_list_the_projects_of_their_province_only(english, khemisset_staff, rabat_staff, convention):
    drafted(convention, khemisset_staff, title="Sewing workshop in Tiflet")
    rabat_person = BeneficiaryFactory(province=province_of(RABAT))
    rabat_project = ProjectFactory(title="Grocery in Rabat", lead=consent(rabat_person), created_by=rabat_staff)
    client = english(khemisset_staff)
    assert titles(client.get(url("list"))) == ["Sewing workshop in Tiflet"]
    assert client.get(rabat_project.get_absolute_url()).status_code == 404


def test_a_coordinator_lists_the_projects_submitted_to_their_partner_and_never_drafts(
    english, khemisset_staff, khemisset_indh, rsk_coordinator, convention
):
    drafted(convention, khemisset_staff, title="Still a draft")
    submitted(convention, khemisset_staff, title="Funded by INDH")
    only_fm6rd = ProjectFactory(title="Funded by the Foundation alone", created_by=khemisset_staff)
    fund(only_fm6rd, convention, "FM6RD", "30000")
    only_fm6rd.submit(by=khemisset_staff)
    assert titles(english(khemisset_indh).get(url("list"))) == ["Funded by INDH"]
    # ANAPEC studies them all, once submitted.
    assert set(titles(english(rsk_coordinator).get(url("list")))) == {
        "Funded by INDH",
        "Funded by the Foundation alone",
    }


def test_a_coordinator_gets_404_on_a_draft(english, khemisset_staff, rsk_coordinator, convention):
    project = drafted(convention, khemisset_staff)
    assert english(rsk_coordinator).get(project.get_absolute_url()).status_code == 404


# --- what the list shows, filtered, sorted, paginated --------------------------------------------


def test_a_row_shows_the_lead_sector_commune_costs_status_and_last_change(english, khemisset_staff, convention):
    lead = consent(BeneficiaryFactory(first_name="Khadija", last_name="Zemmouri"))
    drafted(convention, khemisset_staff, lead=lead, title="Sewing workshop", commune="Tiflet")
    page = english(khemisset_staff).get(url("list")).text
    row = page[page.index("Sewing workshop") : page.index("</tr>", page.index("Sewing workshop"))]
    for shown in ("Khadija Zemmouri", "Crafts", "Tiflet", "30,000.00", "28,000.00", "Draft"):
        assert shown in row
    assert f"{timezone.localdate():%d/%m/%Y}" in row


@pytest.fixture
def three_projects(khemisset_staff, convention):
    """A sewing workshop (crafts, Tiflet, draft, 30,000), a flock of sheep (livestock, Rommani,
    submitted, 12,000 from the Foundation under another convention) and a grocery (trade, Tiflet,
    studied, 30,000)."""
    drafted(convention, khemisset_staff, title="Sewing workshop", commune="Tiflet")
    other = khemisset_convention(reference="KHE-2021-FOUNDATION")
    sheep = ProjectFactory(
        title="Flock of sheep",
        sector="livestock",
        commune="Rommani",
        total_cost=Decimal("12000"),
        created_by=khemisset_staff,
    )
    fund(sheep, other, "FM6RD", "12000")
    sheep.submit(by=khemisset_staff)
    grocery = submitted(convention, khemisset_staff, title="Grocery", sector="trade", commune="Tiflet")
    grocery.status = MicroProject.Status.STUDIED
    grocery.save(update_fields=["status"])
    return other


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ({"status": "submitted"}, ["Flock of sheep"]),
        ({"sector": "trade"}, ["Grocery"]),
        ({"commune": "rommani"}, ["Flock of sheep"]),
        ({"q": "sewing"}, ["Sewing workshop"]),
        ({"partner": "INDH"}, ["Grocery", "Sewing workshop"]),
        ({"convention": "KHE-2021-FOUNDATION"}, ["Flock of sheep"]),
        ({"commune": "tiflet", "status": "draft"}, ["Sewing workshop"]),
    ],
)
def test_each_filter_narrows_the_list(english, khemisset_staff, three_projects, query, listed):
    if "partner" in query:
        query = {**query, "partner": partner(query["partner"]).pk}
    if "convention" in query:
        query = {**query, "convention": three_projects.pk}
    response = english(khemisset_staff).get(url("list"), {**query, "sort": "title"})
    assert titles(response) == listed


def test_a_wrong_filter_lists_nothing_and_says_why(english, khemisset_staff, three_projects):
    response = english(khemisset_staff).get(url("list"), {"status": "lost"})
    assert titles(response) == []
    assert "No project is listed until the filters are corrected" in response.text


def test_a_coordinator_is_not_offered_the_statuses_they_never_see(english, rsk_coordinator):
    response = english(rsk_coordinator).get(url("list"))
    offered = [value for value, _label in response.context["filters"].fields["status"].choices]
    assert "submitted" in offered
    assert "draft" not in offered and "withdrawn" not in offered


def test_the_convention_filter_offers_the_conventions_of_the_users_scope(english, khemisset_staff, convention):
    rabat = ConventionFactory(reference="RAB-2020-001", province=province_of(RABAT))
    offered = list(english(khemisset_staff).get(url("list")).context["filters"].fields["convention"].queryset)
    assert convention in offered
    assert rabat not in offered


def test_the_list_sorts_by_total_cost_both_ways(english, khemisset_staff, three_projects):
    client = english(khemisset_staff)
    assert titles(client.get(url("list"), {"sort": "cost"}))[0] == "Flock of sheep"
    assert titles(client.get(url("list"), {"sort": "-cost"}))[-1] == "Flock of sheep"


def test_the_list_is_paginated_by_25(english, khemisset_staff):
    ProjectFactory.create_batch(30, created_by=khemisset_staff)
    client = english(khemisset_staff)
    assert len(titles(client.get(url("list")))) == 25
    assert len(titles(client.get(url("list"), {"page": 2}))) == 5


def test_htmx_gets_the_results_alone(english, khemisset_staff, three_projects):
    response = english(khemisset_staff).get(url("list"), {"sector": "trade"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="results">')
    assert "Grocery" in response.text and "Sewing workshop" not in response.text
    assert "HX-Request" in response["Vary"]


# --- the export --------------------------------------------------------------------------------


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_holds_the_filtered_projects_and_is_logged(english, khemisset_staff, three_projects):
    response = english(khemisset_staff).get(url("export", "csv"), {"commune": "tiflet"})
    assert response.status_code == 200
    header, *rows = csv_rows(response)
    assert header[:3] == ["Title", "Lead beneficiary", "Co-beneficiaries"]
    assert sorted(row[0] for row in rows) == ["Grocery", "Sewing workshop"]
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (log.user, log.row_count, log.query) == (khemisset_staff, 2, "projects?commune=tiflet")


def test_the_xlsx_export_keeps_amounts_as_numbers(english, khemisset_staff, convention):
    lead = consent(BeneficiaryFactory(first_name="Khadija", last_name="Zemmouri"))
    project = drafted(convention, khemisset_staff, lead=lead, title="Sewing workshop")
    project.co_beneficiaries.add(BeneficiaryFactory(first_name="Amina", last_name="Tazi"))
    response = english(khemisset_staff).get(url("export", "xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, row = ([cell.value for cell in row] for row in sheet.iter_rows())
    values = dict(zip(header, row, strict=True))
    assert values["Lead beneficiary"] == "Khadija Zemmouri"
    assert values["Co-beneficiaries"] == "Amina Tazi"
    assert values["Total cost (MAD)"] == 30000
    assert values["Asked from partners (MAD)"] == 28000
    assert values["Status"] == "Draft"


def test_a_coordinators_export_holds_their_partners_projects_only(english, khemisset_staff, khemisset_indh, convention):
    submitted(convention, khemisset_staff, title="Funded by INDH")
    drafted(convention, khemisset_staff, title="Still a draft")
    [_header, *rows] = csv_rows(english(khemisset_indh).get(url("export", "csv")))
    assert [row[0] for row in rows] == ["Funded by INDH"]


def test_an_export_with_a_wrong_filter_exports_nothing(english, khemisset_staff, three_projects):
    response = english(khemisset_staff).get(url("export", "xlsx"), {"sector": "mining"})
    assert response.status_code == 400
    assert "Nothing was exported: correct the filters below first." in response.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_an_unknown_export_format_is_not_found(english, khemisset_staff):
    assert english(khemisset_staff).get(url("export", "pdf")).status_code == 404


# --- the worklists and their counts ------------------------------------------------------------


@pytest.fixture
def pipeline(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """One project at each step: a draft, one submitted, one studied, one INDH approved (FM6RD
    still to decide), one approved (its first visit due in three months)."""
    drafted(convention, khemisset_staff, title="Draft")
    submitted(convention, khemisset_staff, title="Submitted")
    studied(convention, khemisset_staff, rsk_coordinator, title="Studied")
    half = studied(convention, khemisset_staff, rsk_coordinator, title="Half approved")
    half.approve_line(half.lines.get(partner__acronym="INDH"), by=khemisset_indh)
    return approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, title="Approved")


def test_anapec_sees_the_submitted_projects_awaiting_its_study(english, rsk_coordinator, pipeline):
    response = english(rsk_coordinator).get(url("awaiting_study"))
    assert titles(response) == ["Submitted"]
    assert "Awaiting my study" in response.text
    assert "Record the study from each project&#x27;s page" in response.text


def test_indh_sees_the_studied_projects_with_an_indh_line_still_to_decide(english, khemisset_indh, pipeline):
    assert titles(english(khemisset_indh).get(url("awaiting_approval"))) == ["Studied"]


def test_the_foundation_sees_both_projects_waiting_for_its_decision(english, rsk_fm6rd, pipeline):
    assert sorted(titles(english(rsk_fm6rd).get(url("awaiting_approval")))) == ["Half approved", "Studied"]


def test_a_submitter_never_sees_their_own_project_awaiting_their_approval(
    english, khemisset_staff, rsk_coordinator, convention
):
    studied(convention, khemisset_staff, rsk_coordinator, title="Submitted by me")
    # The staff member who submitted it later becomes INDH's coordinator in the province.
    khemisset_staff.role, khemisset_staff.partner = "coordinator", partner("INDH")
    khemisset_staff.save()
    assert titles(english(khemisset_staff).get(url("awaiting_approval"))) == []
    assert titles(english(khemisset_staff).get(url("list"))) == ["Submitted by me"]


def set_next_visit(project, days_from_today):
    MicroProject.objects.filter(pk=project.pk).update(
        next_visit_due=timezone.localdate() + timedelta(days=days_from_today)
    )


def test_visits_due_lists_the_overdue_and_the_soon_due_with_their_dates(english, khemisset_staff, pipeline, convention):
    overdue = pipeline
    set_next_visit(overdue, -3)
    soon = approved_twin(convention, khemisset_staff, "Due soon")
    set_next_visit(soon, 10)
    later = approved_twin(convention, khemisset_staff, "Due later")
    set_next_visit(later, 30)
    response = english(khemisset_staff).get(url("visits_due"))
    assert titles(response) == ["Approved", "Due soon"]  # the most overdue first
    overdue_row = row_of(response.text, "Approved")
    assert f"{timezone.localdate() - timedelta(days=3):%d/%m/%Y}" in overdue_row
    assert 'text-bg-danger">overdue' in overdue_row
    assert "overdue" not in row_of(response.text, "Due soon")


def approved_twin(convention, by, title):
    """An approved project, faster than the workflow: the worklist reads the status and the due date only."""
    project = drafted(convention, by, title=title)
    MicroProject.objects.filter(pk=project.pk).update(status=MicroProject.Status.APPROVED)
    return project


def row_of(page: str, title: str) -> str:
    start = page.index(f"<bdi>{title}</bdi>")
    return page[start : page.index("</tr>", start)]


def menu_entry(page: str, label: str) -> str:
    match = re.search(rf'<a class="nav-link" href="[^"]+">{label}(.*?)</a>', page)
    assert match, f"no {label} in the menu"
    return match[1]


@pytest.mark.parametrize(
    ("persona", "entry", "count"),
    [
        ("rsk_coordinator", "Awaiting my study", "1"),
        ("khemisset_indh", "Awaiting my approval", "1"),
        ("rsk_fm6rd", "Awaiting my approval", "2"),
    ],
)
def test_the_menu_counts_what_waits_for_each_coordinator(english, request, pipeline, persona, entry, count):
    page = english(request.getfixturevalue(persona)).get(reverse("home")).text
    assert f'text-bg-light">{count}<span class="visually-hidden"> waiting for you' in menu_entry(page, entry)


def test_staff_see_the_visits_due_in_the_menu_and_no_coordinator_worklist(english, khemisset_staff, pipeline):
    set_next_visit(pipeline, -1)
    page = english(khemisset_staff).get(reverse("home")).text
    assert 'text-bg-light">1<span' in menu_entry(page, "Visits due")
    assert "Awaiting my study" not in page and "Awaiting my approval" not in page


def test_a_technical_partner_has_no_approval_worklist_and_a_funder_no_study_worklist(rsk_coordinator, khemisset_indh):
    assert "Awaiting my approval" not in [str(entry["label"]) for entry in contributions.navigation(rsk_coordinator)]
    assert "Awaiting my study" not in [str(entry["label"]) for entry in contributions.navigation(khemisset_indh)]


def test_the_home_card_counts_the_projects_and_the_worklists(english, khemisset_indh, pipeline):
    page = english(khemisset_indh).get(reverse("home")).text
    card = page[page.index('id="projects-card"') :]
    assert "4 projects in your scope." in card  # the draft is not shown to partners
    assert re.search(r'Awaiting my approval</a> <span class="badge [^"]*">1</span>', card)
    assert "Draft a project" not in card


def test_officials_get_no_project_card(khemisset_official):
    assert [card["template"] for card in contributions.home_cards(khemisset_official)] == [
        "beneficiaries/home_cards.html",
        "dashboards/home_card.html",
    ]


# --- a project's page ----------------------------------------------------------------------------


def test_staff_see_the_whole_funding_plan_with_each_decision(
    english, khemisset_staff, rsk_coordinator, khemisset_indh, convention
):
    project = studied(convention, khemisset_staff, rsk_coordinator)
    project.approve_line(project.lines.get(partner__acronym="INDH"), by=khemisset_indh, comment="Fits the envelope.")
    page = english(khemisset_staff).get(project.get_absolute_url()).text
    plan = page[page.index('id="plan-heading"') : page.index("</table>", page.index('id="plan-heading"'))]
    indh = plan[plan.index("INDH") : plan.index("</tr>", plan.index("INDH"))]
    assert all(
        text in indh for text in ("KHE-2020-FM6RD-CPDH", "Equipment", "20,000.00", "Approved", "Fits the envelope.")
    )
    assert f"by {khemisset_indh}" in indh
    assert reverse("partners:convention_detail", args=[convention.pk]) in indh
    assert "Awaiting decision" in plan[plan.index("FM6RD") :]
    assert "Other partners" not in plan
    assert "30,000.00" in plan and "2,000.00" in plan


def test_a_coordinator_sees_their_own_lines_and_the_others_as_one_sum(
    english, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, convention
):
    project = studied(convention, khemisset_staff, rsk_coordinator)
    project.approve_line(project.lines.get(partner__acronym="FM6RD"), by=rsk_fm6rd, comment="Foundation agrees.")
    response = english(khemisset_indh).get(project.get_absolute_url())
    assert [line.partner.acronym for line in response.context["lines"]] == ["INDH"]
    page = response.text
    plan = page[page.index('id="plan-heading"') : page.index("</table>", page.index('id="plan-heading"'))]
    others = plan[plan.index("Other partners") : plan.index("</tr>", plan.index("Other partners"))]
    assert "8,000.00" in others
    assert "<td>FM6RD</td>" not in plan and "Cash" not in plan
    # Nor does the history tell the Foundation's decision.
    assert "Foundation agrees." not in page
    assert "Funding line approved" not in page


def test_the_page_gives_the_action_buttons_the_project_its_lines_and_the_actions(
    english, khemisset_staff, rsk_coordinator, convention
):
    project = submitted(convention, khemisset_staff)
    context = english(rsk_coordinator).get(project.get_absolute_url()).context
    assert context["project"] == project
    assert context["actions"] == available_actions(rsk_coordinator, project) == {"record_study"}
    assert context["lines"] == []  # ANAPEC funds no line of it


def test_a_draft_tells_its_staff_what_is_missing_before_submission(english, khemisset_staff, convention):
    lead = BeneficiaryFactory(first_name="Khadija", last_name="Zemmouri")  # no consent recorded
    project = ProjectFactory(lead=lead, total_cost=Decimal("30000"), created_by=khemisset_staff)
    fund(project, convention, "INDH", "20000")
    page = english(khemisset_staff).get(project.get_absolute_url()).text
    problems = page[page.index('id="plan-problems"') : page.index("</div>", page.index('id="plan-problems"'))]
    assert "add up to 20,000.00\u00a0MAD, not the total cost of 30,000.00\u00a0MAD" in problems
    assert "Khadija Zemmouri has no valid consent" in problems


def test_a_submitted_project_lists_no_problems(english, khemisset_staff, convention):
    project = submitted(convention, khemisset_staff)
    assert 'id="plan-problems"' not in english(khemisset_staff).get(project.get_absolute_url()).text


def test_the_page_links_the_people_to_their_records_and_logs_the_view(english, khemisset_staff, convention):
    lead = consent(BeneficiaryFactory(first_name="Khadija", last_name="Zemmouri"))
    partner_in_project = BeneficiaryFactory(first_name="Amina", last_name="Tazi")
    project = drafted(convention, khemisset_staff, lead=lead)
    project.co_beneficiaries.add(partner_in_project)
    page = english(khemisset_staff).get(project.get_absolute_url()).text
    assert f'<a href="{lead.get_absolute_url()}"><bdi>Khadija Zemmouri</bdi></a>' in page
    assert f'<a href="{partner_in_project.get_absolute_url()}"><bdi>Amina Tazi</bdi></a>' in page
    views = AccessLog.objects.filter(action=AccessLog.Action.VIEW, user=khemisset_staff)
    assert set(views.values_list("beneficiary", flat=True)) == {lead.pk, partner_in_project.pk}


def test_the_page_shows_the_study_with_its_document(
    english, khemisset_staff, rsk_coordinator, convention, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    project = submitted(convention, khemisset_staff)
    study = project.record_study(
        by=rsk_coordinator,
        feasible=True,
        expected_monthly_revenue=Decimal("4500"),
        recommended_amount=Decimal("27000"),
        notes="A good spot near the souk.",
        document=SimpleUploadedFile("study.pdf", b"%PDF-1.4 study", content_type="application/pdf"),
    )
    page = english(khemisset_staff).get(project.get_absolute_url()).text
    section = page[page.index('id="study-heading"') : page.index("</section>", page.index('id="study-heading"'))]
    for shown in ("Feasible", "4,500.00", "27,000.00", "A good spot near the souk.", str(rsk_coordinator)):
        assert shown in section
    assert reverse("projects:study_document", args=[study.pk]) in section


def test_the_history_shows_each_transition_with_who_and_the_comment(
    english, khemisset_staff, rsk_coordinator, convention
):
    project = studied(convention, khemisset_staff, rsk_coordinator)
    page = english(khemisset_staff).get(project.get_absolute_url()).text
    history = page[page.index('id="history-heading"') : page.index("</section>", page.index('id="history-heading"'))]
    assert "Submitted · Draft → Submitted" in history.replace("</strong>", "")
    assert "Study recorded · Submitted → Studied" in history.replace("</strong>", "")
    assert f"by {rsk_coordinator}" in history
    assert "Local market with room for a second workshop." in history


def test_the_page_shows_the_visits_and_when_the_next_one_is_overdue(english, khemisset_staff, pipeline):
    today = timezone.localdate()
    pipeline.record_visit(
        by=khemisset_staff,
        visited_on=today,
        business_status="struggling",
        equipment_in_use=True,
        monthly_revenue=Decimal("1500"),
        jobs=2,
        notes="Few customers in winter.",
        next_visit_due=today + timedelta(days=30),
    )
    set_next_visit(pipeline, -2)
    page = english(khemisset_staff).get(pipeline.get_absolute_url()).text
    visits = page[page.index('id="visits-heading"') : page.index("</section>", page.index('id="visits-heading"'))]
    assert f"Next visit due on {today - timedelta(days=2):%d/%m/%Y}" in visits
    assert 'text-bg-danger">overdue' in visits
    assert all(text in visits for text in ("Struggling", "1,500.00", "2 jobs", "Few customers in winter."))


def test_staff_of_another_province_get_404_on_the_page(english, rabat_staff, khemisset_staff, convention):
    project = drafted(convention, khemisset_staff)
    assert english(rabat_staff).get(project.get_absolute_url()).status_code == 404
    assert not AccessLog.objects.exists()


def test_staff_have_nothing_to_study_or_approve(english, khemisset_staff, pipeline):
    # A submitted project that lost its technical partner (an admin's correction) is nobody's to study.
    MicroProject.objects.filter(title="Submitted").update(technical_partner=None)
    client = english(khemisset_staff)
    assert titles(client.get(url("awaiting_study"))) == []
    assert titles(client.get(url("awaiting_approval"))) == []
    assert "Nothing is waiting for you here." in client.get(url("awaiting_study")).text
