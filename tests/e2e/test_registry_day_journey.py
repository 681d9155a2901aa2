"""A Khémisset staff member's day, in Arabic and in French: a wrong status corrected, a spreadsheet
imported with its probable duplicate skipped, and the list exported and opened as Excel would.

Each step waits for what the user waits for (the page they were sent to, the result's heading, the
download), never for a count the previous page already showed.
"""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from beneficiaries.models import Beneficiary, Consent
from tests.factories import TEST_PASSWORD, BeneficiaryFactory

HEADERS = {
    "ar": ["رقم البطاقة الوطنية", "الاسم الشخصي", "الاسم العائلي", "الجنس", "تاريخ الازدياد", "الهاتف"],
    "fr": ["CIN", "Prénom", "Nom", "Sexe", "Date de naissance", "Téléphone"],
}
NEWCOMERS = [
    ["XA900021", "Khadija", "Zemmouri", "F", "12/04/1991", "0661234567"],
    ["XA900022", "Youssef", "Boukili", "M", "30/09/1988", ""],  # like the Youssef Boukili registered
]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def karim(khemisset_staff):
    person = BeneficiaryFactory(
        cin="XA100001", first_name="Karim", last_name="Tazi", first_name_ar="كريم", last_name_ar="التازي",
        phone="+212661009107",
    )  # fmt: skip
    Consent.objects.create(
        beneficiary=person, purpose=Consent.Purpose.PROGRAMME, given_on=date(2025, 1, 10), recorded_by=khemisset_staff
    )
    return person


@pytest.fixture
def youssef(db):
    return BeneficiaryFactory(
        cin="XA100002", first_name="Youssef", last_name="Boukili", date_of_birth=date(1988, 9, 30)
    )


def in_language(language, msgid):
    with translation.override(language):
        return _(msgid)


def workbook(path, language):
    book = openpyxl.Workbook()
    book.active.append(HEADERS[language])
    for row in NEWCOMERS:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_day_of_corrections_imports_and_exports(
    live_server, page, khemisset_staff, karim, youssef, screenshot, tmp_path, language
):
    page.context.add_cookies([{"name": "idmaj_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("khemisset.staff")
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    # 1. Karim is moved on by mistake, after the confirmation, then put back with a reason.
    record = f"{live_server.url}{karim.get_absolute_url()}"
    page.goto(record)
    page.locator("#id_status").select_option("accompanied")
    page.locator("form[action$='/status/'] button[type=submit]").click()
    expect(page.locator("#confirm-question")).to_contain_text(in_language(language, "Accompanied"))
    page.locator("form[action$='/status/'] button[type=submit]").click()
    page.wait_for_url(record)
    page.locator("#step-back summary").click()
    page.locator("#id_reason").fill("خطأ في الاختيار" if language == "ar" else "Choisi par erreur")
    page.locator("#step-back button[type=submit]").click()
    page.wait_for_url(record)
    expect(page.locator("main .badge").first).to_have_text(in_language(language, "Registered"))
    expect(page.locator("#timeline-heading + ol li").first).to_contain_text(
        "خطأ في الاختيار" if language == "ar" else "Choisi par erreur"
    )
    screenshot(f"day-corrected-{language}")

    # 2. A spreadsheet of two people, one of them probably Youssef again: that row is skipped.
    page.goto(f"{live_server.url}/beneficiaries/import/")
    page.locator("input[type=file]").set_input_files(workbook(tmp_path / "liste.xlsx", language))
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/beneficiaries/import/\d+/$"))
    duplicate = page.locator("#duplicate-3")
    expect(duplicate).to_contain_text("Boukili")
    duplicate.locator("input[value=skip]").check()
    page.locator("#import-confirm button[type=submit]").click()
    expect(page.get_by_role("heading", name=in_language(language, "Result"))).to_be_visible()
    expect(page.locator("#count-new")).to_have_text("1")
    expect(page.locator("#count-skipped")).to_have_text("1")
    screenshot(f"day-imported-{language}")
    assert Beneficiary.objects.filter(last_name="Boukili").count() == 1

    # 3. The list exported as XLSX and opened: a frozen header in the reader's language, the people.
    page.goto(f"{live_server.url}/beneficiaries/")
    with page.expect_download() as download:
        page.locator("#export button[type=submit]:not([formaction])").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    header = [cell.value for cell in sheet[1]]
    with translation.override(language):
        last_name = str(Beneficiary._meta.get_field("last_name").verbose_name)
    assert last_name[0].upper() + last_name[1:] in header
    assert sheet.freeze_panes == "A2"
    assert sheet.sheet_view.rightToLeft == (language == "ar")
    names = {
        row[header.index(last_name[0].upper() + last_name[1:])] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert names == {"Tazi", "Boukili", "Zemmouri"}
    phone = header.index(str(in_language(language, "phone")).capitalize())
    tazi = next(row for row in sheet.iter_rows(min_row=2) if "Tazi" in [cell.value for cell in row])
    assert (tazi[phone].value, tazi[phone].data_type) == ("+212661009107", "s")  # the phone stays text
