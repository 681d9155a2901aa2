"""Files that people open in a spreadsheet program: CSV and XLSX, Arabic intact, no live formula.

    content = csv_bytes(header, rows)                  # or xlsx_bytes(header, rows, title=...)
    return download(content, "bénéficiaires.csv")      # the response, with its content type

Every cell, header included, goes through `spreadsheet_safe`. An XLSX sheet opens ready to work
in: bold header row frozen, with filter buttons, columns wide enough to read, numbers typed as
text (phones) kept as text.
"""

import csv
import re
import unicodedata
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import PurePath
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import get_language
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")
# Phone numbers and signed amounts start with + or - too, but hold nothing a spreadsheet could run.
PLAIN_NUMBER = re.compile(r"[+-]?[\d\s().,]+")

# Excel set up in French (most provincial offices) splits CSV columns on ";", not ",".
CSV_DELIMITER = ";"

# Column widths (in characters) are measured on the header and the first rows, not on 20,000 rows.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 8, 50

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


def xlsx_bytes(header, rows, *, title, column_formats=None) -> bytes:
    """One sheet named `title`, right to left in Arabic, its header row bold, frozen and filterable.

    `column_formats` ({column index: number format}) formats whole columns, so that what is typed
    in them later (a blank template) is read as intended: "@" keeps 0612345678 as text.

    Write-only mode keeps memory flat on a 20,000-row export: widths and the frozen row are set
    before the first row is written (they come first in the file), the filter after the last.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.sheet_view.rightToLeft = get_language() == "ar"
    sheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(header, rows[:WIDTH_SAMPLE_ROWS]), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index, number_format in (column_formats or {}).items():
        sheet.column_dimensions[get_column_letter(index + 1)].number_format = number_format
    sheet.append([header_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def header_cell(sheet, value):
    cell = WriteOnlyCell(sheet, spreadsheet_safe(value))
    cell.font = Font(bold=True)
    return cell


def xlsx_cell(sheet, value):
    """Dates stay dates (sortable in Excel) but read day first, as everywhere in Idmaj; amounts
    (Decimal) and counts stay numbers. Text made
    of digits (a phone, +212612345678) is a text cell formatted as text, so that Excel neither
    shows it as a number nor turns it into one when the cell is edited."""
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, Decimal):
        # An amount in MAD: a number Excel can add up, shown with its centimes.
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "#,##0.00"
        return cell
    if isinstance(value, int):
        return value  # a count (dependants): a number Excel can add up
    text = spreadsheet_safe(value)
    if PLAIN_NUMBER.fullmatch(text):
        cell = WriteOnlyCell(sheet, text)
        cell.number_format = "@"
        return cell
    return text


def column_widths(header, rows) -> list[float]:
    """Each column as wide as its longest line among the header and `rows`, within MIN_WIDTH and MAX_WIDTH."""
    widths = []
    for index, title in enumerate(header):
        cells = [spreadsheet_safe(title), *(spreadsheet_safe(row[index]) for row in rows)]
        longest = max(len(line) for text in cells for line in (text.splitlines() or [""]))
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    return widths


def download(content: bytes, filename: str, *, ascii_filename: str = "") -> HttpResponse:
    """The file as an attachment; its extension (csv or xlsx) gives the content type.

    `filename` may be in the reader's language (bénéficiaires-2026-12-01.xlsx, المستفيدون-...):
    see `attachment`. `ascii_filename` is the name for old clients when nothing Latin is left of it.
    """
    response = HttpResponse(content, content_type=CONTENT_TYPES[PurePath(filename).suffix[1:]])
    response["Content-Disposition"] = attachment(filename, ascii_filename)
    return response


def attachment(filename: str, ascii_filename: str = "") -> str:
    """RFC 6266: the name as written (filename*, UTF-8) and, first, an ASCII name for clients that
    ignore filename*: the same without accents, or `ascii_filename` (an Arabic name has no ASCII letters)."""
    filename = "".join(c for c in filename if c.isprintable() and c not in '"\\')
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    if plain == filename:
        return f'attachment; filename="{filename}"'
    suffix = PurePath(filename).suffix
    if not any(c.isalpha() for c in plain.removesuffix(suffix)):
        plain = ascii_filename or "download" + suffix
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def holdable(text: str) -> str:
    """Without what a spreadsheet cannot hold: control characters but tab and newline."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.isprintable():  # the usual case, decided in C
        return text
    return "".join(c for c in text if c in "\t\n" or unicodedata.category(c) != "Cc")
