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
