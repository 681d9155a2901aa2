"""Read an uploaded CSV or XLSX file into a header and rows of cell values, or refuse the whole file.

Every refusal happens here, before any row is looked at, so a bad file changes nothing and
says why in one message.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

import openpyxl

from beneficiaries.importing.columns import Header, read_header
from beneficiaries.importing.messages import MAX_MEGABYTES, MAX_ROWS, problem

MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
LIMITS = {"megabytes": MAX_MEGABYTES, "rows": MAX_ROWS}


class FileRefused(Exception):
    def __init__(self, problems: list[dict]):
        super().__init__(", ".join(p["code"] for p in problems))
        self.problems = problems


def refuse(code: str, **params):
    raise FileRefused([problem(code, **params)])


@dataclass
class Table:
    header: Header
    rows: list[tuple[int, list]]  # (row number in the spreadsheet, cell values), blank rows left out
    titles: list[str]  # the header row as written, for the error file

    def cell(self, values: list, field: str):
        index = self.header.fields.get(field)
        return values[index] if index is not None and index < len(values) else None


def read_upload(data: bytes, filename: str) -> Table:
    """The table in `data`, or FileRefused. `filename` only tells CSV from XLSX."""
    if len(data) > MAX_BYTES:
        refuse("too_large", **LIMITS)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        refuse("bad_type")
    if not data.strip():
        refuse("empty")
    records = csv_records(data) if suffix == ".csv" else xlsx_records(data)
    return build_table(records)


def build_table(records) -> Table:
    """`records` yields (row number, cell values), header first. Stops reading past the row limit."""
    titles, rows = None, []
    for number, values in records:
        values = [clean_value(value) for value in values]
        if titles is None:
            titles = values
        elif any(value not in ("", None) for value in values):
            if len(rows) == MAX_ROWS:
                refuse("too_many_rows", **LIMITS)
            rows.append((number, values))
    if not titles or not rows:
        refuse("empty")
    filled = {i for _, values in rows for i, value in enumerate(values) if value not in ("", None)}
    header, problems = read_header(titles, filled)
    if problems:
        raise FileRefused(problems)
    return Table(header, rows, [str(title or "") for title in titles])


def clean_value(value):
    """Strings stripped; spreadsheet dates as dates; whole numbers without a trailing '.0'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def csv_records(data: bytes):
    try:
        text = data.decode("utf-8-sig")  # strict: a latin-1 or cp1256 file must not be guessed at
    except UnicodeDecodeError:
        refuse("not_utf8")
    first_line = text.lstrip().partition("\n")[0]
    # Excel writes ';' where the decimal separator is a comma (French settings), ',' elsewhere.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error:
        refuse("bad_csv", number=reader.line_num)


def xlsx_records(data: bytes):
    try:
        # data_only=False keeps formulas visible as such: their cached values may be stale or absent.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # BadZipFile, KeyError, ValueError...: any of them means "not a readable workbook"
        refuse("bad_xlsx")
    try:
        if len(workbook.sheetnames) > 1:
            refuse("several_sheets", count=len(workbook.sheetnames))
        # Read-only sheets yield every row from the first, blank ones included, so counting gives row numbers.
        for number, row in enumerate(workbook.worksheets[0].iter_rows(), start=1):
            for cell in row:
                if cell.data_type == "f":
                    refuse("formulas", cell=cell.coordinate)
            yield number, [cell.value for cell in row]
    finally:
        workbook.close()
