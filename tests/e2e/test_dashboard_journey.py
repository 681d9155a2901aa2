"""The Khémisset official reads the province's dashboard: in Arabic, charts drawn right to left;
then in French; downloads the Excel file and prints the page to PDF (and looks at it)."""

import io
import shutil
import subprocess

import pytest
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.dashboards.world import build_world
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_project_journey import shoot, signed_in

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


def french(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


def test_the_official_reads_prints_and_downloads_the_dashboard(
    live_server, browser, khemisset_official, khemisset_staff, admin_user
):
    build_world(khemisset_staff, admin_user)
    page = signed_in(browser, live_server, khemisset_official.username, "ar")
    # The home page is the dashboard's headline.
    expect(page.locator("#dashboard-card")).to_be_visible()
    page.locator("#dashboard-card a.btn-primary").click()
    page.wait_for_url(f"{live_server.url}/dashboards/province/04.291/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".chart-box.chart-drawn").first).to_be_visible()  # Chart.js drew under the CSP
    assert page.locator(".chart-box.chart-drawn").count() == page.locator(".chart-box").count()
    # Right to left: the first bar of the status chart is drawn on the right (Chart.js `reverse`).
    assert page.evaluate("Chart.getChart('chart-people-status').options.scales.x.reverse") is True
    assert page.locator("a[href*='/beneficiaries/']").count() == 0  # an official gets no list links
    shoot(page, "dashboard-official-ar")

    page.context.add_cookies([{"name": "idmaj_language", "value": "fr", "url": live_server.url}])
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#money-heading")).to_have_text(french("Money"))
    assert page.evaluate("Chart.getChart('chart-people-status').options.scales.x.reverse") is False
    shoot(page, "dashboard-official-fr")

    with page.expect_download() as download:
        page.locator("a[href*='format=xlsx']").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True).active
    rows = {(row[0], row[1] or "", row[2] or ""): row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("scope", "", "code")] == "04.291"
    assert ("money", "", "delivered") in rows

    page.emulate_media(media="print")
    pdf = SCREENSHOTS / "dashboard-official-fr.pdf"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Khémisset" in text
    assert french("convention year").capitalize() not in text  # the filters are not printed
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(SCREENSHOTS / "dashboard-print")],
        check=True,
    )
