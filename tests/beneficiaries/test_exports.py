"""The list's exports: ready to work in Excel, with the columns asked for, and imported back as they are."""

import csv
import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import AccessLog, Beneficiary, Consent
from tests.beneficiaries.spreadsheets import start_import
from tests.factories import BeneficiaryFactory
from tests.need_to_know import submitted_project

EXPORT = "beneficiaries:export"


@pytest.fixture
def registry(db, khemisset_staff):
    """Three people of Khémisset: one with a CIN and a phone, one without a CIN, one named only in Arabic."""
    return [
        BeneficiaryFactory(
            cin="AB123467",
            first_name="Mohammed",
            last_name="El Idrissi",
            first_name_ar="محمد",
            last_name_ar="الإدريسي",
            date_of_birth=date(1990, 5, 17),
            phone="+212612345678",
            commune="Tiflet",
            skills="Menuiserie",
            dependants=3,
            referral_source=Beneficiary.ReferralSource.PRISON,
        ),
        BeneficiaryFactory(
            cin=None,
            no_cin_reason="Carte perdue, en cours de renouvellement",
            first_name="Fatima",
            last_name="Zemmouri",
            sex="F",
            date_of_birth=date(1988, 2, 3),
            release_date=None,
        ),
        BeneficiaryFactory(
            cin="GK45678", first_name="", last_name="", first_name_ar="زكرياء", last_name_ar="العلوي", sex="M"
        ),
    ]


def export(client, file_format="xlsx", language="en", **params):
    client.cookies["idmaj_language"] = language
    return client.get(reverse(EXPORT, args=[file_format]), params)


def sheet_of(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def rows_of(response) -> list[list]:
    """The file's rows, header first, from CSV or XLSX."""
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return [list(row) for row in sheet_of(response).iter_rows(values_only=True)]


def header_of(response) -> list[str]:
    return rows_of(response)[0]


# --- ready to work in Excel ---------------------------------------------------------------------


def test_the_xlsx_header_row_is_bold_frozen_and_has_filter_buttons_over_the_data(client_for, khemisset_staff, registry):
    sheet = sheet_of(export(client_for(khemisset_staff)))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    last_column = sheet[1][-1].column_letter
    assert sheet.auto_filter.ref == f"A1:{last_column}4"  # the header and the three people


def test_xlsx_columns_are_as_wide_as_their_content_within_a_cap(client_for, khemisset_staff, registry):
    Beneficiary.objects.filter(pk=registry[0].pk).update(no_cin_reason="x" * 200)
    sheet = sheet_of(export(client_for(khemisset_staff)))
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Reason for having no CIN"] == 50  # capped, not 200 characters wide
    assert widths["CIN"] == 10  # "AB123467" and a margin
    assert widths["Last name (Latin script)"] == len("Last name (Latin script)") + 2


def test_a_phone_stays_text_as_typed_and_dates_are_real_dates_read_day_first(client_for, khemisset_staff, registry):
    sheet = sheet_of(export(client_for(khemisset_staff)))
    columns = {cell.value: cell.column_letter for cell in sheet[1]}
    phone = sheet[f"{columns['Phone']}2"]
    assert (phone.value, phone.data_type, phone.number_format) == ("+212612345678", "s", "@")
    born = sheet[f"{columns['Date of birth']}2"]
    assert born.value == datetime(1990, 5, 17)
    assert born.number_format == "DD/MM/YYYY"


# --- the reader's language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["CIN", "Motif de l’absence de CIN", "Nom (caractères latins)", "Prénom (caractères latins)"]),
        ("ar", ["رقم البطاقة الوطنية", "سبب عدم التوفر على البطاقة الوطنية", "الاسم العائلي (بالحروف اللاتينية)"]),
        ("en", ["CIN", "Reason for having no CIN", "Last name (Latin script)", "First name (Latin script)"]),
    ],
)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_headers_are_capitalised_in_the_readers_language(
    client_for, khemisset_staff, registry, language, expected, file_format
):
    header = header_of(export(client_for(khemisset_staff), file_format, language))
    assert header[: len(expected)] == expected
    assert header[-2:] == {"fr": ["Statut", "Motif de sortie"], "ar": ["الحالة", "سبب الخروج"]}.get(
        language, ["Status", "Exit reason"]
    )


@pytest.mark.parametrize(
    ("language", "disposition"),
    [
        (
            "fr",
            "attachment; filename=\"beneficiaires-{day}.xlsx\"; filename*=UTF-8''b%C3%A9n%C3%A9ficiaires-{day}.xlsx",
        ),
        (
            "ar",
            'attachment; filename="beneficiaries-{day}.xlsx"; '
            "filename*=UTF-8''%D8%A7%D9%84%D9%85%D8%B3%D8%AA%D9%81%D9%8A%D8%AF%D9%88%D9%86-{day}.xlsx",
        ),
        ("en", 'attachment; filename="beneficiaries-{day}.xlsx"'),
    ],
)
def test_the_file_is_named_in_the_readers_language_with_an_ascii_name_for_old_browsers(
    client_for, khemisset_staff, registry, language, disposition
):
    response = export(client_for(khemisset_staff), "xlsx", language)
    assert response["Content-Disposition"] == disposition.format(day=f"{timezone.localdate():%Y-%m-%d}")


# --- the column groups --------------------------------------------------------------------------

GROUP_HEADERS = {
    "identity": ["CIN", "Reason for having no CIN", "Sex", "Date of birth", "Phone", "Province", "Commune"],
    "path": ["Education level", "Skills and trades", "Release date", "Referral source", "Household dependants"],
    "consent": [
        "Programme consent given on",
        "Programme consent withdrawn on",
        "Consent to sharing with partners given on",
    ],
    "status": ["Status", "Exit reason"],
}


@pytest.mark.parametrize("group", GROUP_HEADERS)
def test_each_column_group_holds_its_columns_and_no_other(client_for, khemisset_staff, registry, group):
    header = header_of(export(client_for(khemisset_staff), "csv", columns=group))
    for name, headers in GROUP_HEADERS.items():
        present = [title in header for title in headers]
        assert present == [name == group] * len(headers), name


def test_without_a_choice_the_export_holds_identity_and_status(client_for, khemisset_staff, registry):
    header = header_of(export(client_for(khemisset_staff), "csv"))
    assert header == header_of(export(client_for(khemisset_staff), "csv", columns=["status", "identity"]))
    assert "CIN" in header
    assert "Status" in header
    assert "Skills and trades" not in header
    assert "Programme consent given on" not in header


def test_the_path_and_consent_groups_carry_the_record(client_for, khemisset_staff, registry):
    person = registry[0]
    Consent.objects.create(
        beneficiary=person, purpose="programme", given_on=date(2024, 1, 5), recorded_by=khemisset_staff
    )
    # Given again after a withdrawal: the file shows the current consent.
    Consent.objects.create(
        beneficiary=person,
        purpose="partners",
        given_on=date(2024, 1, 5),
        withdrawn_on=date(2024, 3, 1),
        recorded_by=khemisset_staff,
    )
    Consent.objects.create(
        beneficiary=person, purpose="partners", given_on=date(2025, 2, 1), recorded_by=khemisset_staff
    )
    sheet = sheet_of(export(client_for(khemisset_staff), columns=["path", "consent"], q="Idrissi"))
    row = dict(zip([cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]], strict=True))
    assert row["Skills and trades"] == "Menuiserie"
    assert row["Household dependants"] == 3  # a number Excel can add up
    assert row["Referral source"] == "Prison administration (DGAPR)"
    assert row["Programme consent given on"] == datetime(2024, 1, 5)
    assert row["Programme consent withdrawn on"] is None
    assert row["Consent to sharing with partners given on"] == datetime(2025, 2, 1)
    assert row["Consent to public ceremonies given on"] is None


@pytest.mark.parametrize("columns", [["identity", "salary"], [""], ["IDENTITY"]])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_unknown_column_group_exports_nothing_and_says_why(
    client_for, khemisset_staff, registry, columns, file_format
):
    response = export(client_for(khemisset_staff), file_format, columns=columns)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Nothing was exported: choose columns from those offered." in response.text
    assert "is not one of the available choices" in response.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_the_access_log_records_the_filters_and_the_columns_exported(client_for, khemisset_staff, registry):
    client = client_for(khemisset_staff)
    export(client, "csv", q="Idrissi")
    export(client, "xlsx", columns=["consent", "identity"])
    first, second = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).order_by("pk")
    assert (first.query, first.row_count) == ("q=Idrissi&columns=identity&columns=status", 1)
    assert (second.query, second.row_count) == ("columns=consent&columns=identity", 3)


def test_an_export_costs_the_same_queries_for_5_and_50_people(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    every_group = {"columns": ["identity", "path", "consent", "status"]}

    def people_with_consents(count):
        for person in BeneficiaryFactory.create_batch(count):
            Consent.objects.create(
                beneficiary=person, purpose="programme", given_on=date(2024, 1, 1), recorded_by=khemisset_staff
            )

    people_with_consents(5)
    export(client, "xlsx", **every_group)
    with CaptureQueriesContext(connection) as five:
        assert len(rows_of(export(client, "xlsx", **every_group))) == 6
    people_with_consents(45)
    with CaptureQueriesContext(connection) as fifty:
        assert len(rows_of(export(client, "xlsx", **every_group))) == 51
    assert len(five) == len(fifty)
    assert len(fifty) <= 12


# --- the list's export controls -----------------------------------------------------------------


def test_the_list_offers_the_column_groups_with_identity_and_status_ticked(client_for, khemisset_staff, registry):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    page = client.get(reverse("beneficiaries:list"), {"status": "registered", "page": "1"}).text
    form = page[page.index('id="export"') : page.index("</form>", page.index('id="export"'))]
    assert 'name="columns" value="identity" class="form-check-input" id="export_columns_0" checked' in form
    assert 'value="path" class="form-check-input" id="export_columns_1">' in form
    assert 'name="columns" value="status" class="form-check-input" id="export_columns_3" checked' in form
    assert '<input type="hidden" name="status" value="registered">' in form  # the list's filters go along
    assert 'name="page"' not in form
    assert f'formaction="{reverse(EXPORT, args=["csv"])}"' in form


# --- an export imports back as it is ------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imported_as_it_is_changes_nobody_people_without_cin_included(
    client_for, khemisset_staff, registry, django_capture_on_commit_callbacks, language, file_format
):
    client = client_for(khemisset_staff)
    exported = export(client, file_format, language)
    before = list(Beneficiary.objects.order_by("pk").values())
    job = start_import(client, django_capture_on_commit_callbacks, exported.content, f"export.{file_format}")
    assert job.counts == {"new": 0, "updated": 0, "unchanged": 3, "invalid": 0}, job.report["problems"]
    assert not job.report["warnings"]  # not one probable duplicate of themselves
    assert list(Beneficiary.objects.order_by("pk").values()) == before


def test_an_export_of_every_column_group_imports_as_it_is(
    client_for, khemisset_staff, registry, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    exported = export(client, "xlsx", "fr", columns=["identity", "path", "consent", "status"])
    job = start_import(client, django_capture_on_commit_callbacks, exported.content, "export.xlsx")
    assert job.counts == {"new": 0, "updated": 0, "unchanged": 3, "invalid": 0}, job.report["problems"]


def test_an_edited_export_updates_the_person_without_cin_found_by_name_and_birth_date(
    client_for, khemisset_staff, registry, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    rows = rows_of(export(client, "csv", "fr"))
    header, fatima = rows[0], next(row for row in rows if "Zemmouri" in row)
    fatima[header.index("Commune")] = "Rommani"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, fatima])
    job = start_import(client, django_capture_on_commit_callbacks, buffer.getvalue().encode(), "export.csv")
    assert job.counts == {"new": 0, "updated": 1, "unchanged": 0, "invalid": 0}, job.report["problems"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_masked_cin_from_a_coordinators_export_is_refused_on_import_with_a_clear_message(
    client_for, khemisset_staff, rsk_coordinator, registry, django_capture_on_commit_callbacks, file_format
):
    submitted_project(*registry)  # a collective project studied by ANAPEC: its coordinator knows all three
    exported = export(client_for(rsk_coordinator), file_format)
    assert len(rows_of(exported)) == 1 + len(registry)
    assert "AB****67" in [row[0] for row in rows_of(exported)]
    staff = client_for(khemisset_staff)
    job = start_import(staff, django_capture_on_commit_callbacks, exported.content, f"export.{file_format}")
    # The person without a CIN has nothing masked: only the two masked rows are refused.
    assert job.counts == {"new": 0, "updated": 0, "unchanged": 1, "invalid": 2}
    assert {problem["code"] for problem in job.report["problems"]} == {"masked_cin"}
    staff.cookies["idmaj_language"] = "en"
    page = staff.get(reverse("beneficiaries:import_detail", args=[job.pk])).text
    assert "This CIN is masked (it contains *)" in page


def test_every_group_offered_on_the_list_has_its_columns():
    from beneficiaries.forms import ExportForm
    from beneficiaries.views.export import GROUPS

    assert [name for name, _label in ExportForm.GROUPS] == list(GROUPS)
    assert set(ExportForm.DEFAULT) <= set(GROUPS)
