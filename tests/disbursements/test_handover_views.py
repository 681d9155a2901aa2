"""The handover screens as provincial staff use them: list, export, page, plan, deliver, cancel,
reverse, the signed receipt, and what the project page, the record and the home page show."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from beneficiaries.models import AccessLog
from disbursements.models import Ceremony, Handover, LedgerEntry
from projects.models import MicroProject
from reintegration.lib import contributions
from tests.disbursements.screens import (
    cash_data,
    in_english,
    item_data,
    machine,
    messages_of,
    plan_url,
    today,
    url,
)
from tests.disbursements.stages import approved_project, plan_cash, plan_equipment, sewing_machines
from tests.factories import province
from tests.projects.workflow_stages import line_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(settings):
    yield from in_english(settings)


@pytest.fixture
def project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    """20,000 MAD of equipment from INDH and 8,000 MAD in cash from FM6RD, approved in Khémisset."""
    return approved_project(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd)


def ceremony_in(project, staff, *, held_on=None, place="Province hall, Khémisset"):
    return Ceremony.objects.create(
        province=project.province,
        held_on=held_on or date.today() + timedelta(days=10),
        place=place,
        presided_by="The Governor of Khémisset province",
        created_by=staff,
    )


def numbers_listed(client, query):
    return [handover.number for handover in client.get(reverse("disbursements:handover_list"), query).context["page"]]


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_each_handover_with_its_beneficiary_line_value_and_status(client_for, khemisset_staff, project):
    equipment = plan_equipment(project, khemisset_staff)
    plan_cash(project, khemisset_staff)
    page = client_for(khemisset_staff).get(reverse("disbursements:handover_list"))
    assert page.status_code == 200
    text = page.text
    assert "2 handovers found" in text
    assert equipment.number in text and "KHE-2026-0002" in text
    assert project.lead.display_name() in text
    assert f'href="{project.lead.get_absolute_url()}"' in text
    assert 'INDH</bdi><div class="small text-body-secondary text-nowrap"><bdi>KHE-2020-FM6RD-CPDH' in text
    assert "20,000.00\xa0MAD" in text and "8,000.00\xa0MAD" in text


def test_the_list_filters_by_status_kind_partner_and_searches_by_number_or_name(client_for, khemisset_staff, project):
    equipment = plan_equipment(project, khemisset_staff)
    cash = plan_cash(project, khemisset_staff)
    cash.cancel(by=khemisset_staff, reason="The beneficiary moved away")
    client = client_for(khemisset_staff)
    assert numbers_listed(client, {"status": "planned"}) == [equipment.number]
    assert numbers_listed(client, {"kind": "cash"}) == [cash.number]
    assert numbers_listed(client, {"partner": line_of(project, "FM6RD").partner_id}) == [cash.number]
    assert numbers_listed(client, {"q": "0002"}) == [cash.number]
    assert sorted(numbers_listed(client, {"q": project.lead.last_name})) == sorted([equipment.number, cash.number])
    assert numbers_listed(client, {"q": "Nobody-of-that-name"}) == []


def test_the_list_filters_by_ceremony_and_date_range(client_for, khemisset_staff, project):
    ceremony = ceremony_in(project, khemisset_staff)
    at_ceremony = plan_equipment(project, khemisset_staff, ceremony=ceremony, planned_on=date(2026, 12, 20))
    plan_cash(project, khemisset_staff, planned_on=date(2027, 1, 15))
    client = client_for(khemisset_staff)
    assert numbers_listed(client, {"ceremony": ceremony.pk}) == [at_ceremony.number]
    assert numbers_listed(client, {"date_from": "2026-12-01", "date_to": "2026-12-31"}) == [at_ceremony.number]
    assert numbers_listed(client, {"date_from": "2027-01-01"}) == ["KHE-2027-0001"]


def test_an_invalid_filter_lists_nobody_and_says_why(client_for, khemisset_staff, project):
    plan_equipment(project, khemisset_staff)
    page = client_for(khemisset_staff).get(reverse("disbursements:handover_list"), {"status": "stolen"})
    assert "No handover is listed until the filters are corrected" in page.text
    assert page.context["page"].paginator.count == 0


def test_a_period_ending_before_it_starts_is_refused(client_for, khemisset_staff, project):
    plan_equipment(project, khemisset_staff)
    page = client_for(khemisset_staff).get(
        reverse("disbursements:handover_list"), {"date_from": "2026-12-31", "date_to": "2026-01-01"}
    )
    assert "The end of the period comes before its start." in page.text
    assert page.context["page"].paginator.count == 0


def handovers(count, project, staff):
    for _ in range(count):
        plan_equipment(project, staff, items=[sewing_machines(quantity=1, unit_price="100")])


def queries_for_list(client):
    client.get(reverse("disbursements:handover_list"))  # per-process caches (content types) filled first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("disbursements:handover_list"))
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


def test_the_list_costs_the_same_queries_for_2_and_for_20_handovers(client_for, khemisset_staff, project):
    client = client_for(khemisset_staff)
    handovers(2, project, khemisset_staff)
    few, rows = queries_for_list(client)
    assert rows == 2
    handovers(18, project, khemisset_staff)
    many, rows = queries_for_list(client)
    assert rows == 20
    assert few == many


# --- the export ----------------------------------------------------------------------------


def test_the_export_holds_the_listed_handovers_and_is_logged(client_for, khemisset_staff, project):
    equipment = plan_equipment(project, khemisset_staff)
    plan_cash(project, khemisset_staff)
    response = client_for(khemisset_staff).get(
        reverse("disbursements:handover_export", args=["csv"]), {"kind": "equipment"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Number", "Beneficiary", "Project"]
    assert len(rows) == 2
    assert rows[1][0] == equipment.number
    assert rows[1][1] == project.lead.display_name()
    assert rows[1][3:5] == ["INDH", "KHE-2020-FM6RD-CPDH"]
    assert Decimal(rows[1][6]) == Decimal("20000")
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.user == khemisset_staff and log.row_count == 1 and "kind=equipment" in log.query


def test_the_xlsx_export_opens_with_the_handovers(client_for, khemisset_staff, project):
    from openpyxl import load_workbook

    plan_equipment(project, khemisset_staff)
    response = client_for(khemisset_staff).get(reverse("disbursements:handover_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 1).value == "KHE-2026-0001"


def test_an_export_with_an_invalid_filter_exports_nobody_and_says_why(client_for, khemisset_staff, project):
    plan_equipment(project, khemisset_staff)
    response = client_for(khemisset_staff).get(
        reverse("disbursements:handover_export", args=["csv"]), {"date_from": "yesterday"}
    )
    assert response.status_code == 400
    assert "Nothing was exported: correct the filters below first." in response.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


# --- a handover's page ---------------------------------------------------------------------


def test_the_page_shows_the_items_the_line_and_logs_the_look_at_the_person(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    page = client_for(khemisset_staff).get(handover.get_absolute_url())
    text = page.text
    assert handover.number in text
    assert "Industrial sewing machine" in text and "10,000.00\xa0MAD" in text
    assert "Delivered so far" in text
    assert 'data-role="line-delivered">0.00\xa0MAD' in text
    assert url("deliver", handover) in text and url("edit_plan", handover) in text
    assert url("cancel", handover) in text
    assert AccessLog.objects.filter(
        action=AccessLog.Action.VIEW, user=khemisset_staff, beneficiary=project.lead
    ).exists()


def test_a_cash_handover_shows_its_amount_method_and_reference(client_for, khemisset_staff, project):
    handover = plan_cash(project, khemisset_staff, cash_reference="VIR-77")
    text = client_for(khemisset_staff).get(handover.get_absolute_url()).text
    assert "Bank transfer" in text and "VIR-77" in text and "8,000.00\xa0MAD" in text


def test_a_delivered_handover_shows_who_recorded_it_and_its_ledger_entry(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    text = client_for(khemisset_staff).get(handover.get_absolute_url()).text
    assert f"recorded by {khemisset_staff}" in text
    assert 'data-role="line-delivered">20,000.00\xa0MAD' in text
    assert "Reverse the delivery" in text
    assert "Record the delivery" not in text


# --- planning ------------------------------------------------------------------------------


def test_the_plan_of_an_equipment_line_starts_from_the_study_within_the_line(client_for, khemisset_staff, project):
    page = client_for(khemisset_staff).get(plan_url(project))
    assert page.status_code == 200
    formset = page.context["formset"]
    # The study recommends 28,000 MAD for the whole project; the INDH line has 20,000 to give.
    assert formset.forms[0].initial["unit_price"] == Decimal("20000")
    assert formset.forms[0].initial["quantity"] == 1
    assert formset.forms[0].initial["designation"] == project.activity or project.title


def test_planning_equipment_creates_a_numbered_handover(client_for, khemisset_staff, project):
    response = client_for(khemisset_staff).post(plan_url(project), item_data(machine()), follow=True)
    handover = Handover.objects.get()
    assert handover.number == "KHE-2026-0001"
    assert handover.amount == Decimal("20000")
    assert handover.items.get().serial_number == "SN-1"
    assert response.redirect_chain[-1][0] == handover.get_absolute_url()
    assert "Handover KHE-2026-0001 is planned: 20,000.00\xa0MAD." in messages_of(response)


def test_planning_takes_several_items_and_a_row_can_be_added(client_for, khemisset_staff, project):
    client = client_for(khemisset_staff)
    added = client.post(plan_url(project), item_data(machine(quantity="1")) | {"add_row": "1"})
    assert added.status_code == 200
    assert len(added.context["formset"].forms) == 2
    assert not Handover.objects.exists()
    rows = [machine(quantity="1", unit_price="12000"), machine(designation="Overlock", quantity="1", unit_price="8000")]
    client.post(plan_url(project), item_data(*rows))
    assert Handover.objects.get().amount == Decimal("20000")
    assert Handover.objects.get().items.count() == 2


def test_planning_at_a_ceremony_of_the_province(client_for, khemisset_staff, project):
    ceremony = ceremony_in(project, khemisset_staff)
    page = client_for(khemisset_staff).get(plan_url(project))
    assert ceremony in page.context["form"].fields["ceremony"].queryset
    client_for(khemisset_staff).post(plan_url(project), item_data(machine(), ceremony=str(ceremony.pk)))
    assert Handover.objects.get().ceremony == ceremony


def test_a_past_ceremony_is_not_offered(client_for, khemisset_staff, project):
    past = ceremony_in(project, khemisset_staff, held_on=date.today() - timedelta(days=1))
    page = client_for(khemisset_staff).get(plan_url(project))
    assert past not in page.context["form"].fields["ceremony"].queryset


def test_planning_cash_prefills_what_the_line_has_left(client_for, khemisset_staff, project):
    client = client_for(khemisset_staff)
    plan_cash(project, khemisset_staff, amount="3000")
    page = client.get(plan_url(project, "FM6RD"))
    assert page.context["form"].initial["amount"] == Decimal("5000")
    client.post(plan_url(project, "FM6RD"), cash_data(amount="5000"))
    latest = Handover.objects.order_by("pk").last()
    assert (latest.amount, latest.cash_method, latest.cash_reference) == (Decimal("5000"), "transfer", "VIR-2026-1")


def test_over_planning_is_refused_with_the_model_message_and_nothing_written(client_for, khemisset_staff, project):
    page = client_for(khemisset_staff).post(plan_url(project), item_data(machine(quantity="3")))
    assert page.status_code == 200
    assert "Over-delivery: the INDH line of 20,000.00\xa0MAD has 20,000.00\xa0MAD left" in page.text
    assert not Handover.objects.exists()


def test_a_line_fully_planned_sends_back_to_the_project(client_for, khemisset_staff, project):
    plan_equipment(project, khemisset_staff)
    response = client_for(khemisset_staff).get(plan_url(project), follow=True)
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    assert "This funding line has nothing left to plan" in messages_of(response)[0]


def test_changing_a_plan_keeps_its_number(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    client = client_for(khemisset_staff)
    page = client.get(url("edit_plan", handover))
    assert page.context["formset"].forms[0].initial["designation"] == "Industrial sewing machine"
    response = client.post(
        url("edit_plan", handover), item_data(machine(quantity="1", unit_price="15000")), follow=True
    )
    handover.refresh_from_db()
    assert (handover.number, handover.amount) == ("KHE-2026-0001", Decimal("15000"))
    assert f"The plan of handover {handover.number} is changed." in messages_of(response)


# --- delivery, cancellation, reversal ------------------------------------------------------


def test_delivering_asks_for_the_date_then_posts_to_the_ledger(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    client = client_for(khemisset_staff)
    page = client.get(url("deliver", handover))
    assert page.context["form"].initial["delivered_on"] == date.today()
    response = client.post(url("deliver", handover), {"delivered_on": today()}, follow=True)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.DELIVERED and handover.delivered_by == khemisset_staff
    assert LedgerEntry.objects.get().amount == Decimal("20000")
    project.refresh_from_db()
    assert project.status == MicroProject.Status.IN_HANDOVER
    assert "Handover KHE-2026-0001 is delivered: 20,000.00\xa0MAD posted to the ledger." in messages_of(response)


def test_delivering_cash_records_the_payment_reference(client_for, khemisset_staff, project):
    handover = plan_cash(project, khemisset_staff)
    client_for(khemisset_staff).post(url("deliver", handover), {"delivered_on": today(), "cash_reference": "CHQ-42"})
    handover.refresh_from_db()
    assert (handover.status, handover.cash_reference) == (Handover.Status.DELIVERED, "CHQ-42")


def test_a_delivery_in_the_future_is_refused_and_nothing_posted(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page = client_for(khemisset_staff).post(url("deliver", handover), {"delivered_on": tomorrow})
    assert "A delivery cannot be recorded before it happens." in page.text
    assert not LedgerEntry.objects.exists()


def test_cancelling_needs_a_reason_and_keeps_the_number(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    client = client_for(khemisset_staff)
    refused = client.post(url("cancel", handover), {"reason": "  "}, follow=True)
    assert "Say why the handover is cancelled." in messages_of(refused)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PLANNED
    response = client.post(url("cancel", handover), {"reason": "Supplier out of stock"}, follow=True)
    handover.refresh_from_db()
    assert (handover.status, handover.cancellation_reason) == (Handover.Status.CANCELLED, "Supplier out of stock")
    assert "Handover KHE-2026-0001 is cancelled. Its number stays taken." in messages_of(response)
    assert "Supplier out of stock" in response.text


def test_reversing_a_delivery_nets_the_ledger_and_shows_both_entries(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    client = client_for(khemisset_staff)
    refused = client.post(url("reverse", handover), {"reason": ""}, follow=True)
    assert "Say why the delivery is reversed." in messages_of(refused)
    assert LedgerEntry.objects.count() == 1
    response = client.post(url("reverse", handover), {"reason": "Delivered to the wrong person"}, follow=True)
    assert LedgerEntry.objects.total() == Decimal("0") and LedgerEntry.objects.count() == 2
    assert "The delivery of KHE-2026-0001 is reversed" in messages_of(response)[0]
    assert "Reversal" in response.text and "Delivered to the wrong person" in response.text
    project.refresh_from_db()
    assert project.status == MicroProject.Status.APPROVED


def test_an_admin_reverses_a_delivery_another_member_of_staff_recorded(
    client_for, khemisset_staff, admin_user, project
):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    client_for(admin_user).post(url("reverse", handover), {"reason": "Double entry"})
    handover.refresh_from_db()
    assert handover.status == Handover.Status.REVERSED


def test_the_transitions_answer_405_to_a_get(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    client = client_for(khemisset_staff)
    for name in ("cancel", "reverse", "upload_receipt_scan"):
        assert client.get(url(name, handover)).status_code == 405, name


# --- the signed receipt --------------------------------------------------------------------


def delivered(project, staff):
    handover = plan_equipment(project, staff)
    handover.deliver(by=staff, on=date.today())
    return handover


def test_the_signed_receipt_is_attached_then_served_as_an_attachment_and_logged(
    client_for, khemisset_staff, project, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    handover = delivered(project, khemisset_staff)
    client = client_for(khemisset_staff)
    response = client.post(
        url("upload_receipt_scan", handover),
        {"receipt_scan": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")},
        follow=True,
    )
    assert "The signed receipt is attached." in messages_of(response)
    download = client.get(url("receipt_scan", handover))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert f"receipt-{handover.number}.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PDF
    log = AccessLog.objects.get(action=AccessLog.Action.DOCUMENT)
    assert log.beneficiary == project.lead and log.query == f"handover={handover.pk}"


@pytest.mark.parametrize(
    ("name", "content"),
    [("receipt.exe", b"MZ\x90\x00\x03\x00\x00\x00"), ("receipt.pdf", b"MZ\x90\x00 renamed"), ("r.html", b"<html>")],
)
def test_a_receipt_that_is_no_pdf_jpeg_or_png_is_refused(
    client_for, khemisset_staff, project, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    handover = delivered(project, khemisset_staff)
    response = client_for(khemisset_staff).post(
        url("upload_receipt_scan", handover), {"receipt_scan": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert "Send a PDF, JPEG or PNG file." in response.text
    handover.refresh_from_db()
    assert not handover.receipt_scan


def test_no_receipt_yet_answers_404(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    assert client_for(khemisset_staff).get(url("receipt_scan", handover)).status_code == 404


# --- the shared pages ----------------------------------------------------------------------


def test_the_project_page_lists_its_handovers_and_plans_per_line(client_for, khemisset_staff, project):
    plan_cash(project, khemisset_staff, amount="3000").deliver(by=khemisset_staff, on=date.today())
    text = client_for(khemisset_staff).get(project.get_absolute_url()).text
    assert 'id="handovers-panel"' in text
    assert "KHE-2026-0001" in text
    assert "3,000.00\xa0MAD</bdi> / <bdi>8,000.00\xa0MAD" in text
    assert plan_url(project, "INDH") in text and plan_url(project, "FM6RD") in text


def test_a_partner_sees_the_handovers_of_its_line_on_the_project_page_but_no_plan_button(
    client_for, khemisset_staff, khemisset_indh, project
):
    plan_equipment(project, khemisset_staff)
    text = client_for(khemisset_indh).get(project.get_absolute_url()).text
    assert "KHE-2026-0001" in text
    assert plan_url(project, "INDH") not in text
    assert "FM6RD</bdi> · " not in text  # the other funder's line is not shown to INDH


def test_a_draft_project_has_no_handovers_panel(client_for, khemisset_staff):
    from tests.projects.workflow_stages import draft, khemisset_convention

    project = draft(khemisset_convention(), khemisset_staff)
    assert 'id="handovers-panel"' not in client_for(khemisset_staff).get(project.get_absolute_url()).text


def test_the_persons_record_and_timeline_show_their_handovers(client_for, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    cash = plan_cash(project, khemisset_staff)
    cash.cancel(by=khemisset_staff, reason="Paid by the commune instead")
    handover.reverse(by=khemisset_staff, reason="Wrong machine")
    labels = [label for _at, label, _by in contributions.timeline(project.lead, khemisset_staff)]
    assert any(label.startswith("Handover KHE-2026-0001 planned for") for label in labels)
    assert any(label.startswith("Handover KHE-2026-0001 delivered on") for label in labels)
    assert "Handover KHE-2026-0001 reversed (20,000.00\xa0MAD): Wrong machine" in labels
    assert "Handover KHE-2026-0002 cancelled: Paid by the commune instead" in labels
    record = client_for(khemisset_staff).get(project.lead.get_absolute_url()).text
    assert handover.get_absolute_url() in record and cash.get_absolute_url() in record


def test_a_person_with_no_handover_has_no_handovers_panel(client_for, khemisset_staff, project):
    record = client_for(khemisset_staff).get(project.lead.get_absolute_url())
    assert [entry for entry in record.context["record_panels"] if entry["panel"]["heading"] == "Handovers"] == []


def test_the_timeline_shows_a_funder_only_its_own_lines_handovers(khemisset_staff, khemisset_indh, project):
    plan_equipment(project, khemisset_staff)
    plan_cash(project, khemisset_staff)
    labels = [label for _at, label, _by in contributions.timeline(project.lead, khemisset_indh)]
    assert any("KHE-2026-0001" in label for label in labels)
    assert not any("KHE-2026-0002" in label for label in labels)


def test_the_home_card_counts_the_planned_and_sums_this_years_deliveries(khemisset_staff, rabat_staff, project):
    plan_equipment(project, khemisset_staff).deliver(by=khemisset_staff, on=date.today())
    plan_cash(project, khemisset_staff)
    [card] = [c["card"] for c in contributions.home_cards(khemisset_staff) if "handover" in c["template"]]
    assert card["planned"] == 1 and card["delivered_this_year"] == Decimal("20000")
    [elsewhere] = [c["card"] for c in contributions.home_cards(rabat_staff) if "handover" in c["template"]]
    assert elsewhere["planned"] == 0 and elsewhere["delivered_this_year"] == Decimal("0")


def test_the_menu_offers_handovers_to_those_who_read_them(khemisset_staff, khemisset_official, khemisset_indh, db):
    def entries(user):
        return [str(entry["label"]) for entry in contributions.navigation(user)]

    assert "Handovers" in entries(khemisset_staff) and "Handovers" in entries(khemisset_indh)
    assert "Handovers" not in entries(khemisset_official)


# --- valid HTML --------------------------------------------------------------------------------


def handover_pages(client, project, staff) -> dict[str, str]:
    """Each handover screen with content in every block: items, cash, ledger, errors."""
    equipment = plan_equipment(project, staff, notes="Livraison à Tiflet")
    equipment.deliver(by=staff, on=date.today())
    equipment.reverse(by=staff, reason="Mauvaise machine")
    cash = plan_cash(project, staff, amount="3000")
    return {
        "handovers": client.get(reverse("disbursements:handover_list")).text,
        "handovers-refused": client.get(reverse("disbursements:handover_list"), {"status": "x"}).text,
        "handover-equipment": client.get(equipment.get_absolute_url()).text,
        "handover-cash": client.get(cash.get_absolute_url()).text,
        "plan": client.get(plan_url(project)).text,
        "plan-errors": client.post(plan_url(project), item_data(machine(quantity="0"), notes="x" * 3000)).text,
        "plan-cash": client.get(plan_url(project, "FM6RD")).text,
        "edit-plan": client.get(url("edit_plan", cash)).text,
        "deliver": client.get(url("deliver", cash)).text,
        "deliver-errors": client.post(url("deliver", cash), {"delivered_on": "9999-12-31"}).text,
        "project-panel": client.get(project.get_absolute_url()).text,
        "record-panel": client.get(project.lead.get_absolute_url()).text,
        "home-card": client.get(reverse("home")).text,
    }


def test_the_handover_pages_are_valid_html_in_arabic_and_french(client, khemisset_staff, project, tmp_path, settings):
    from tests.test_html_validity import checker_missing, nu_errors

    if checker_missing():
        pytest.skip(checker_missing())
    client.force_login(khemisset_staff)
    pages = {}
    for language in ("ar", "fr"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with translation.override(language):
            pages |= {
                f"{name}-{language}": html for name, html in handover_pages(client, project, khemisset_staff).items()
            }
    errors = nu_errors(pages, tmp_path)
    assert not errors, "\n".join(errors)


# --- the admin -----------------------------------------------------------------------------


def test_the_admin_shows_handovers_and_logs_a_look_at_one(client_for, admin_user, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    client = client_for(admin_user)
    assert handover.number in client.get(reverse("admin:disbursements_handover_changelist")).text
    page = client.get(reverse("admin:disbursements_handover_change", args=[handover.pk]))
    assert page.status_code == 200 and "Industrial sewing machine" in page.text
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW, user=admin_user, beneficiary=project.lead).exists()
    assert client.get(reverse("admin:disbursements_handover_history", args=[handover.pk])).status_code == 200
    assert client.get(reverse("admin:disbursements_handover_add")).status_code == 403
    assert client.get(reverse("admin:disbursements_handover_delete", args=[handover.pk])).status_code == 403


def test_the_admin_neither_adds_changes_nor_deletes_a_ledger_entry(client_for, admin_user, khemisset_staff, project):
    handover = plan_equipment(project, khemisset_staff)
    handover.deliver(by=khemisset_staff, on=date.today())
    entry = LedgerEntry.objects.get()
    client = client_for(admin_user)
    assert client.get(reverse("admin:disbursements_ledgerentry_changelist")).status_code == 200
    assert client.get(reverse("admin:disbursements_ledgerentry_add")).status_code == 403
    assert client.get(reverse("admin:disbursements_ledgerentry_delete", args=[entry.pk])).status_code == 403
    change = reverse("admin:disbursements_ledgerentry_change", args=[entry.pk])
    client.post(change, {"amount": "1", "reason": "edited"})
    entry.refresh_from_db()
    assert (entry.amount, entry.reason) == (Decimal("20000"), "")
    page = client.get(change).text
    assert 'name="amount"' not in page and 'type="submit"' not in page.split('id="content"')[-1]


def test_the_ceremony_filter_offers_recent_ceremonies_and_still_accepts_an_old_one(client_for, khemisset_staff):
    today = date.today()
    old, _new = (
        Ceremony.objects.create(
            province=province("04.291"),
            held_on=day,
            place=place,
            presided_by="Le gouverneur",
            created_by=khemisset_staff,
        )
        for day, place in ((today - timedelta(days=3 * 365), "Ancienne salle"), (today, "Nouvelle salle"))
    )
    client = client_for(khemisset_staff)
    page = client.get(reverse("disbursements:handover_list")).text
    assert "Nouvelle salle" in page and "Ancienne salle" not in page
    chosen = client.get(reverse("disbursements:handover_list"), {"ceremony": old.pk})
    assert chosen.status_code == 200 and "Ancienne salle" in chosen.text
