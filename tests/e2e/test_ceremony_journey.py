"""A handover ceremony in Khémisset, as its provincial staff run it, in Arabic and in French: they
create the ceremony, add the 11 approved projects in one go, mark them all delivered at the end,
download a receipt and look at it, and read the press summary in Arabic."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from disbursements.models import Ceremony, Handover, LedgerEntry
from projects.models import MicroProject
from reintegration.lib.money import format_mad
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_project_journey import shoot, signed_in
from tests.projects.workflow_stages import approved, khemisset_convention

# The INDH lines of the governor's ceremony (the demo's): 322,650 MAD for 11 former inmates.
CEREMONY_AMOUNTS = [29800, 31500, 27350, 30000, 28600, 32400, 26900, 29250, 30700, 27800, 28350]

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdftoppm)")


FAMILY_NAMES_AR = [
    "التازي",
    "العلوي",
    "بنعلي",
    "الإدريسي",
    "الفاسي",
    "بناني",
    "الشرقاوي",
    "الزياني",
    "المريني",
    "السوسي",
    "الرباطي",
]


@pytest.fixture
def eleven_approved(khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    convention = khemisset_convention(indh="1400000")
    projects = [
        approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, indh=str(amount), fm6rd=None)
        for amount in CEREMONY_AMOUNTS
    ]
    for project, family_name in zip(projects, FAMILY_NAMES_AR, strict=True):
        project.lead.first_name_ar, project.lead.last_name_ar = "كريم", family_name
        project.lead.save()
    return projects


def pdf_text(pdf: bytes, name: str) -> str:
    """The receipt as pdftotext reads it (bidi marks dropped), and its first page saved as a PNG."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", str(path), str(SCREENSHOTS / name)], check=True)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return "".join(ch for ch in text if ch not in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_staff_run_a_ceremony_from_creation_to_receipts_and_press(
    live_server, browser, khemisset_staff, eleven_approved, language
):
    with translation.override(language):
        total = format_mad(Decimal(sum(CEREMONY_AMOUNTS)))
        add_label, deliver_label, confirm_label = (
            _("Add the projects ticked"),
            _("Mark all delivered"),
            _("Confirm: all delivered"),
        )
    page = signed_in(browser, live_server, "khemisset.staff", language)

    # The ceremony, presided by the governor, today.
    page.goto(f"{live_server.url}/disbursements/ceremonies/new/")
    page.locator("#id_held_on").fill(timezone.localdate().isoformat())
    page.locator("#id_place").fill("Siège de la province de Khémisset")
    page.locator("#id_presided_by").fill("le Gouverneur de la province de Khémisset")
    page.get_by_label("INDH", exact=False).first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/disbursements/ceremonies/*/")
    ceremony = Ceremony.objects.get()
    shoot(page, f"ceremony-01-created-{language}")

    # The 11 approved projects, ticked at once.
    page.locator("#select-all").check()
    expect(page.locator("input[name=projects]:checked")).to_have_count(11)
    page.get_by_role("button", name=add_label).click()
    page.wait_for_url(f"{live_server.url}{ceremony.get_absolute_url()}")
    expect(page.locator("main").get_by_text("KHE-", exact=False).first).to_be_visible()
    assert ceremony.handovers.filter(status=Handover.Status.PLANNED).count() == 11
    shoot(page, f"ceremony-02-planned-{language}")

    # At the end of the ceremony: all delivered, in one go.
    page.get_by_role("link", name=deliver_label).click()
    page.get_by_role("button", name=confirm_label).click()
    page.wait_for_url(f"{live_server.url}{ceremony.get_absolute_url()}")
    expect(page.locator(".alert-success").first).to_be_visible()
    expect(page.locator("main").get_by_text(total).first).to_be_visible()
    assert ceremony.handovers.filter(status=Handover.Status.DELIVERED).count() == 11
    assert LedgerEntry.objects.total() == Decimal("322650.00")
    assert set(MicroProject.objects.values_list("status", flat=True)) == {MicroProject.Status.FUNDED}
    shoot(page, f"ceremony-03-delivered-{language}")

    # A receipt, from the handover's page, read back.
    first = ceremony.handovers.order_by("number").select_related("project__lead").first()
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    receipt_link = page.locator("[data-role=receipt-links] a[hreflang=ar]")
    response = page.request.get(live_server.url + receipt_link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body(), f"ceremony-04-receipt-ar-{language}")
    lead = first.project.lead
    # Pdftotext gives the Arabic runs in reading order: the name as a reader says it.
    assert lead.last_name_ar in FAMILY_NAMES_AR and f"{lead.first_name_ar} {lead.last_name_ar}" in text
    assert first.number in text and lead.masked_cin in text and lead.cin not in text
    assert "درهم" in text

    # The press summary in Arabic, ready to copy: the figures of the ceremony, no one named.
    page.goto(f"{live_server.url}{ceremony.get_absolute_url()}")
    page.locator("a[href$='press/?language=ar']").click()
    press = page.locator("#press-text")
    expect(press).to_have_attribute("dir", "rtl")
    with translation.override("ar"):
        arabic_total = format_mad(Decimal(sum(CEREMONY_AMOUNTS)))
    expect(press).to_contain_text(arabic_total)
    expect(press).to_contain_text("11")
    press_text = press.input_value()
    assert lead.last_name_ar not in press_text and lead.cin not in press_text
    shoot(page, f"ceremony-05-press-ar-{language}")
