"""A Khémisset staff member, in Arabic, brings in a spreadsheet, corrects it, and finds a person."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD

HEADER = ["رقم البطاقة الوطنية", "الاسم الشخصي", "الاسم العائلي", "الجنس", "تاريخ الازدياد", "الهاتف", "الجماعة"]
PEOPLE = [
    ["XA900001", "خديجة", "الزموري", "أنثى", "12/04/1991", "0661234567", "تيفلت"],
    ["XA900002", "يوسف", "البوكيلي", "ذكر", "1988-09-30", "0537112233", "الرماني"],
    ["XA900003", "هشام", "الحداوي", "ذكر", "31/02/1990", "", "الخميسات"],  # 31 February: invalid
]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def upload(page, path):
    page.locator("input[type=file]").set_input_files(path)
    page.locator("main form[enctype] button[type=submit]").click()
    # The upload answers with the job's own page: wait for it, not for a number it may show.
    expect(page).to_have_url(re.compile(r"/beneficiaries/import/\d+/$"))


def go_to(page, link_name, path):
    """Follow a menu link and wait until the browser is on the page it leads to."""
    page.get_by_role("link", name=link_name).first.click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    # htmx binds the live search once the document has loaded; typing earlier would be lost.
    page.wait_for_load_state("load")


def test_staff_imports_a_spreadsheet_fixes_it_and_finds_a_person_in_arabic(
    live_server, page, khemisset_staff, screenshot, tmp_path
):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("اسم المستخدم").fill("khemisset.staff")
    page.get_by_label("كلمة المرور").fill(TEST_PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    expect(page).to_have_url(f"{live_server.url}/")

    go_to(page, "المستفيدون", "/beneficiaries/")
    go_to(page, "استيراد جدول", "/beneficiaries/import/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    upload(page, workbook(tmp_path / "liste.xlsx", PEOPLE))

    # The dry run: two new people, one invalid row, the problem named by row and column.
    expect(page.locator("#count-new")).to_have_text("2")
    expect(page.locator("#count-invalid")).to_have_text("1")
    problem = page.locator("table tr", has_text="31/02/1990")
    expect(problem.locator("td").first).to_have_text("4")
    screenshot("import-preview-ar")

    # The staff member corrects the date in the spreadsheet and uploads it again.
    PEOPLE_FIXED = [*PEOPLE[:2], [*PEOPLE[2][:4], "28/02/1990", *PEOPLE[2][5:]]]
    go_to(page, "استيراد جدول", "/beneficiaries/import/")
    upload(page, workbook(tmp_path / "liste-corrigee.xlsx", PEOPLE_FIXED))
    expect(page.locator("#count-new")).to_have_text("3")
    expect(page.locator("#count-invalid")).to_have_text("0")
    # The preview already shows 3 new people: wait for the result page ("Result"), then read its count.
    page.locator("form[action$='/confirm/'] button").click()
    expect(page.get_by_role("heading", name="النتيجة")).to_be_visible()
    expect(page.locator("#count-new")).to_have_text("3")
    screenshot("import-done-ar")

    # Find Khadija by her name typed without the final tā' marbūṭa, then open her record.
    go_to(page, "المستفيدون", "/beneficiaries/")
    row = page.locator("#results tbody tr")
    expect(row).to_have_count(3)
    # The old list already holds Khadija's row: wait for the live search's answer and for the
    # URL htmx pushes (in the same task as it swaps the results in), then count.
    with page.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#id_q").fill("خديجه")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(row).to_have_count(1)
    screenshot("search-ar")
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/beneficiaries/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("خديجة الزموري")
    expect(page.locator("#cin")).to_contain_text("XA****01")
    expect(page.get_by_text("+212661234567")).to_be_visible()
    screenshot("detail-ar")
