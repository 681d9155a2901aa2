"""The blank template: the column names in the reader's language, ready to fill in and import."""

import io

import openpyxl
import pytest
from django.urls import reverse

from beneficiaries.importing import build_plan, read_upload
from tests.conftest import KHEMISSET
from tests.factories import province

pytestmark = pytest.mark.django_db

TEMPLATE = reverse("beneficiaries:import_template")
# Typed in the template's columns A, C, D, G, H, I: CIN, first and last name, sex, date of birth, phone.
TYPED = {1: "XA900001", 3: "Khadija", 4: "Zemmouri", 7: "F", 8: "12/04/1991", 9: "0661234567"}


def download(client, language):
    client.cookies["idmaj_language"] = language
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    return response


def filled_in(content: bytes) -> bytes:
    """The template with one person typed under its header, as staff would in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    for column, value in TYPED.items():
        sheet.cell(row=2, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("language", "first_titles", "filename"),
    [
        ("fr", ["CIN", "Motif de l’absence de CIN", "Prénom (caractères latins)"], "import-template.xlsx"),
        (
            "ar",
            ["رقم البطاقة الوطنية", "سبب عدم التوفر على البطاقة الوطنية", "الاسم الشخصي (بالحروف اللاتينية)"],
            "import-template.xlsx",
        ),
        ("en", ["CIN", "Reason for having no CIN", "First name (Latin script)"], "beneficiaries-import-template.xlsx"),
    ],
)
def test_the_blank_template_names_the_columns_in_the_readers_language_and_imports_once_filled_in(
    client_for, khemisset_staff, language, first_titles, filename
):
    response = download(client_for(khemisset_staff), language)
    assert filename in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert len(header) == 13 and sheet.max_row == 1  # the header only: no example person, no note
    assert header[:3] == first_titles
    assert sheet.freeze_panes == "A2"
    assert sheet[1][0].font.bold
    plan = build_plan(read_upload(filled_in(response.content), "modele.xlsx"), province(KHEMISSET))
    assert plan.problems == []
    assert plan.counts["new"] == 1
    assert plan.results[0].values["phone"] == "+212661234567"


def test_the_template_formats_dates_day_first_and_the_cin_and_phone_as_text(client_for, khemisset_staff):
    sheet = openpyxl.load_workbook(io.BytesIO(download(client_for(khemisset_staff), "fr").content)).active
    formats = {letter: sheet.column_dimensions[letter].number_format for letter in "AHIK"}
    assert formats == {"A": "@", "H": "DD/MM/YYYY", "I": "@", "K": "DD/MM/YYYY"}


def test_the_upload_page_links_to_the_template(client_for, khemisset_staff):
    page = client_for(khemisset_staff).get(reverse("beneficiaries:import_upload")).text
    assert f'href="{TEMPLATE}" download' in page


def test_only_those_who_may_import_download_the_template(client_for, khemisset_official):
    assert client_for(khemisset_official).get(TEMPLATE).status_code == 403
