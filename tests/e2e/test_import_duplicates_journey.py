"""A Khémisset staff member, in French, imports a list holding one probable duplicate: opens the
registered person in a new tab, skips the row, imports the rest and reads the result."""

import re
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from beneficiaries.models import Beneficiary
from tests.factories import TEST_PASSWORD, BeneficiaryFactory, province

KHEMISSET = "04.291"
HEADER = ["CIN", "Prénom", "Nom", "Sexe", "Date de naissance", "Téléphone"]
PEOPLE = [
    ["XA900011", "Khadija", "Zemmouri", "F", "12/04/1991", "0661234567"],
    ["XA900012", "Youssef", "Boukili", "M", "30/09/1988", ""],  # like the Youssef Boukili registered
    ["XA900013", "Hicham", "Haddaoui", "M", "02/03/1990", ""],
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Liste des bénéficiaires — Khémisset 2025"])  # a title above the column names
    sheet.append(HEADER)
    for row in PEOPLE:
        sheet.append(row)
    book.save(path)
    return path


def both_widths(page, screenshot, name):
    for label, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        screenshot(f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def test_staff_skips_a_probable_duplicate_and_imports_the_rest_in_french(
    live_server, page, khemisset_staff, screenshot, tmp_path
):
    registered = BeneficiaryFactory(
        cin="XA100000", first_name="Youssef", last_name="Boukili", date_of_birth=date(1988, 9, 30),
        province=province(KHEMISSET),
    )  # fmt: skip
    page.context.add_cookies([{"name": "idmaj_language", "value": "fr", "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("khemisset.staff")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/beneficiaries/import/")
    page.locator("input[type=file]").set_input_files(workbook(tmp_path / "liste.xlsx"))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/beneficiaries/import/\d+/$"))

    # The preview: the title row was skipped, three new rows, row 4 a probable duplicate.
    expect(page.locator("#count-new")).to_have_text("3")
    expect(page.locator("#header-row")).to_contain_text("2")
    duplicate = page.locator("#duplicate-4")
    expect(duplicate).to_contain_text("Youssef Boukili")
    link = duplicate.get_by_role("link", name=str(registered))
    expect(link).to_have_attribute("target", "_blank")
    # The registered person opens in a new tab; the preview stays where it is.
    with page.context.expect_page() as opened:
        link.click()
    record = opened.value
    expect(record).to_have_url(re.compile(rf"/beneficiaries/{registered.pk}/$"))
    expect(record.get_by_role("heading", level=1)).to_contain_text("Boukili")
    record.close()
    both_widths(page, screenshot, "import-duplicate-fr")

    duplicate.locator("input[value=skip]").check()  # "Skip this row" (its French comes with the catalog)
    page.locator("#import-confirm button[type=submit]").click()
    # The preview already showed counts: wait for the result's heading, then read them.
    expect(page.get_by_role("heading", name="Résultat")).to_be_visible()
    expect(page.locator("#count-new")).to_have_text("2")
    expect(page.locator("#count-skipped")).to_have_text("1")
    both_widths(page, screenshot, "import-result-fr")
    assert Beneficiary.objects.filter(last_name="Boukili").count() == 1  # not registered twice
