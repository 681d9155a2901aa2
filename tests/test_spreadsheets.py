"""reintegration.lib.spreadsheets: the one writer behind every CSV and XLSX file the application hands out."""

import csv
import io
from datetime import date

from django.utils import translation
from openpyxl import load_workbook

from reintegration.lib.spreadsheets import csv_bytes, download, xlsx_bytes

FORMULA = '=HYPERLINK("http://evil.example")'


def test_csv_opens_in_french_excel_with_arabic_intact_and_no_live_formula():
    content = csv_bytes([FORMULA, "name"], [["محمد", date(2024, 6, 1)], ["+212 600", "-SUM(A1)"]])
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert rows == [["'" + FORMULA, "name"], ["محمد", "01/06/2024"], ["+212 600", "'-SUM(A1)"]]


def test_xlsx_reads_right_to_left_in_arabic_with_day_first_dates():
    with translation.override("ar"):
        sheet = load_workbook(io.BytesIO(xlsx_bytes([FORMULA], [[date(2024, 6, 1)]], title="المستفيدون"))).active
    assert sheet.title == "المستفيدون"
    assert sheet.sheet_view.rightToLeft
    assert sheet["A1"].value == "'" + FORMULA
    assert sheet["A2"].number_format == "DD/MM/YYYY"


def test_xlsx_reads_left_to_right_in_french():
    with translation.override("fr"):
        sheet = load_workbook(io.BytesIO(xlsx_bytes(["nom"], [], title="Bénéficiaires"))).active
    assert not sheet.sheet_view.rightToLeft


def test_a_download_is_an_attachment_typed_by_its_extension():
    response = download(b"x", "import-7-errors.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="import-7-errors.csv"'
    assert download(b"x", "list.xlsx")["Content-Type"].endswith("spreadsheetml.sheet")


def test_a_file_named_in_french_or_arabic_keeps_its_name_and_has_an_ascii_one_for_old_browsers():
    french = download(b"x", "bénéficiaires-2026-12-01.csv")["Content-Disposition"]
    assert french == (
        "attachment; filename=\"beneficiaires-2026-12-01.csv\"; filename*=UTF-8''b%C3%A9n%C3%A9ficiaires-2026-12-01.csv"
    )
    arabic = download(b"x", "المستفيدون.csv", ascii_filename="beneficiaries.csv")["Content-Disposition"]
    assert arabic.startswith("attachment; filename=\"beneficiaries.csv\"; filename*=UTF-8''%D8%A7%D9%84")
    assert download(b"x", 'a"b\\c.csv')["Content-Disposition"] == 'attachment; filename="abc.csv"'


def test_xlsx_column_widths_follow_the_longest_line_within_bounds():
    long_text = "Menuiserie\n" + "x" * 80
    sheet = load_workbook(
        io.BytesIO(xlsx_bytes(["CIN", "Skills", "Note"], [["AB1", long_text, "Menuiserie"]], title="t"))
    ).active
    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths == [8, 50, len("Menuiserie") + 2]


def test_xlsx_keeps_digits_typed_as_text_and_counts_as_numbers():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["phone", "dependants"], [["0612345678", 3]], title="t"))).active
    assert (sheet["A2"].value, sheet["A2"].data_type, sheet["A2"].number_format) == ("0612345678", "s", "@")
    assert (sheet["B2"].value, sheet["B2"].data_type) == (3, "n")
