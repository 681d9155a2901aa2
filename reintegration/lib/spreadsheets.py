"""Files that people open in a spreadsheet program: CSV and XLSX, Arabic intact, no live formula.

    content = csv_bytes(header, rows)                  # or xlsx_bytes(header, rows, title=...)
    return download(content, "beneficiaries.csv")      # the response, with its content type

Every cell, header included, goes through `spreadsheet_safe`.
"""

import csv
import re
import unicodedata
from datetime import date
from io import BytesIO, StringIO
from pathlib import PurePath

from django.http import HttpResponse
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")
# Phone numbers and signed amounts start with + or - too, but hold nothing a spreadsheet could run.
PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().,]+")

# Excel set up in French (most provincial offices) splits CSV columns on ";", not ",".
CSV_DELIMITER = ";"

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def spreadsheet_safe(value) -> str:
    """Dates as dd/mm/yyyy; text a spreadsheet would run as a formula is quoted with an apostrophe;
    control characters other than tab and newline are dropped.

    A name such as `=HYPERLINK(...)` typed into the registry must not become a live formula
    in the file an official opens later (CSV injection). The text rule (reintegration.lib.text)
    keeps control characters out of the registry; a row stored before it, or by a path that
    skipped it, must still export: openpyxl raises on them (a 500 for everyone whose list holds it).
    """
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = holdable(str(value))
    if text[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(header, rows) -> bytes:
    # A BOM so that Excel opens the UTF-8 file with Arabic intact.
    buffer = StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow([spreadsheet_safe(value) for value in header])
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header, rows, *, title) -> bytes:
    """One sheet named `title`, right to left in Arabic."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.sheet_view.rightToLeft = get_language() == "ar"
    sheet.append([spreadsheet_safe(value) for value in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cell(sheet, value):
    """Dates stay dates (sortable in Excel) but read day first, as everywhere in Idmaj."""
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return spreadsheet_safe(value)


def download(content: bytes, filename: str) -> HttpResponse:
    """The file as an attachment; its extension (csv or xlsx) gives the content type."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[PurePath(filename).suffix[1:]])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def holdable(text: str) -> str:
    """Without what a spreadsheet cannot hold: control characters but tab and newline."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.isprintable():  # the usual case, decided in C
        return text
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")
