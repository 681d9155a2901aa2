"""Read an uploaded CSV or XLSX file into a header and rows of cell values, or refuse the whole file.

Every refusal happens here, before any row is looked at, so a bad file changes nothing and
says why in one message. This runs in the task worker: the web request only calls `sniff`.

A hostile file is small on disk and huge once read, so nothing the file declares is trusted:
- a workbook's zip members are checked (declared sizes, compression ratio) before openpyxl opens
  it; zipfile itself stops a member at its declared size (a lie ends in a CRC error);
- openpyxl pads read-only rows to the sheet's declared <dimension> (A1:XFD1048576 is 17 billion
  cells), so the dimension is reset and rows are read within MAX_COLUMNS and MAX_READ_ROWS;
- blank rows count toward MAX_READ_ROWS: a stray cell on row 1,048,576 stops the reading there;
- openpyxl builds a whole row before `max_col` cuts it, and keeps every part of the sheet outside
  the rows (merged cells, links...) until its end: one row of a million cells (3.5 MB on disk)
  took a gigabyte. `refuse_heavy_sheet` streams the sheet's XML first and counts them.
"""

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from xml.parsers import expat

import openpyxl
from django.core.exceptions import ValidationError
from openpyxl.xml.constants import SHEET_MAIN_NS

from beneficiaries.importing.columns import BENEFICIARY_COLUMNS, ColumnTable, Header, column_letter
from beneficiaries.importing.messages import (
    MAX_COLUMNS,
    MAX_MEGABYTES,
    MAX_ROWS,
    MAX_UNZIPPED_MEGABYTES,
    problem,
)
from reintegration.lib.text import MULTILINE, check_characters, without_controls

MAX_BYTES = MAX_MEGABYTES * 1024 * 1024
LIMITS = {"megabytes": MAX_MEGABYTES, "rows": MAX_ROWS}
# The header, the people, and blank rows between them; past this the sheet is refused unread.
MAX_READ_ROWS = 1 + MAX_ROWS + 1_000
MAX_TITLE_LENGTH = 100  # a header title is a few words; a longer one is cut (it lands in the report)
# Workbooks: a real 20,000-row sheet unzips to ~15 MB and compresses ~10:1. Small parts
# (styles, theme) may compress better, so the ratio applies past RATIO_FREE_BYTES only.
MAX_UNZIPPED_BYTES = MAX_UNZIPPED_MEGABYTES * 1024 * 1024
MAX_RATIO = 100
RATIO_FREE_BYTES = 1024 * 1024
# What openpyxl holds at once: one row (its cells, and their parts: values, rich-text runs),
# and every element of the sheet outside the rows. A real row of 13 cells has ~30 elements.
MAX_ROW_PARTS = 20 * MAX_COLUMNS
MAX_SHEET_PARTS = 100_000
ROW_TAG = SHEET_MAIN_NS + "}row"  # as expat names it with namespace_separator="}"
XLSX_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 4096
HEADER_SEARCH_ROWS = 10  # the header is looked for among the first filled rows


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
    header_row: int = 1  # its number in the sheet: the rows above it (a title) were skipped

    def cell(self, values: list, field: str):
        index = self.header.fields.get(field)
        return values[index] if index is not None and index < len(values) else None


def sniff(head: bytes, size: int, filename: str) -> None:
    """What the web request may check before storing the upload: size, extension, first bytes.

    `head` is the file's first SNIFF_BYTES bytes. Raises FileRefused.
    """
    if size > MAX_BYTES:
        refuse("too_large", **LIMITS)
    suffix = suffix_of(filename)
    if suffix not in (".csv", ".xlsx"):
        refuse("bad_type")
    if not size:
        refuse("empty")
    if suffix == ".xlsx" and not head.startswith(XLSX_MAGIC):
        refuse("bad_xlsx")
    if suffix == ".csv" and head.count(b"\0") > len(head) // 10:
        # UTF-16 ("Unicode text" in Excel) or a binary file: a UTF-8 text has no NUL bytes.
        refuse("not_utf8")


def clean_name(filename: str) -> str:
    """The upload's name as stored and shown: NFKC, without control or format characters.

    "report\u202egpj.csv" shows as "reportvsc.jpg" (a right-to-left override), and a zero-width space
    can hide in ".cs\u200bv": the extension is read from the cleaned name, so what is checked is what is shown.
    """
    return without_controls(unicodedata.normalize("NFKC", filename or "")).strip()


def suffix_of(filename) -> str:
    return PurePath(filename or "").suffix.lower()


def read_upload(data: bytes, filename: str, columns: ColumnTable = BENEFICIARY_COLUMNS) -> Table:
    """The table in `data`, or FileRefused. `filename` only tells CSV from XLSX; `columns` says which
    headers the import understands (the beneficiaries', or another import's: the history import)."""
    sniff(data[:SNIFF_BYTES], len(data), filename)
    if not data.strip():
        refuse("empty")
    records = csv_records(data) if suffix_of(filename) == ".csv" else xlsx_records(data)
    return build_table(records, columns)


def build_table(records, columns: ColumnTable = BENEFICIARY_COLUMNS) -> Table:
    """`records` yields (row number, cell values), header first. Stops reading past the row limits.

    The header is the first row naming known columns among the first HEADER_SEARCH_ROWS filled
    rows: a sheet often opens with a title ("Liste des bénéficiaires — Khémisset 2025") above
    it, and the rows above the header are skipped. When no row names known columns, the first
    one is the header (and its missing columns are reported). Rows keep the sheet's numbers.
    """
    titles, header_row, rows, first_rows = None, 0, [], []
    for number, values in records:
        if number > MAX_READ_ROWS:
            refuse("rows_past_limit", last=MAX_READ_ROWS)
        values = values[:MAX_COLUMNS]  # the later columns are not read
        if values.count(None) == len(values):
            continue  # a blank row: skipped at C speed, there may be 21,000 of them
        values = [clean_value(value) for value in values]
        if not any(value not in ("", None) for value in values):
            continue
        if titles is None:
            first_rows.append((number, values))
            if names_columns(values, columns) or len(first_rows) == HEADER_SEARCH_ROWS:
                header_row, titles, pending = pick_header(first_rows, columns)
                for row in pending:
                    add_row(rows, row)
        else:
            add_row(rows, (number, values))
    if titles is None and first_rows:  # a short file where no row names known columns
        header_row, titles, pending = pick_header(first_rows, columns)
        rows = pending
    if not titles or not rows:
        refuse("empty")
    refuse_invisible_titles(titles)
    filled = {i for _, values in rows for i, value in enumerate(values) if value not in ("", None)}
    header, problems = columns.read_header(titles, filled)
    if problems:
        raise FileRefused(problems)
    return Table(header, rows, titles, header_row)


def names_columns(values: list, columns: ColumnTable = BENEFICIARY_COLUMNS) -> bool:
    """A row that names at least two known columns is the header (a title names one at most)."""
    # Cut first: a hostile "title" of 100,000 characters is no column name, and folding it costs.
    named = {columns.field_for(str(value)[:MAX_TITLE_LENGTH]) for value in values if value not in ("", None)}
    return len(named - {None}) >= 2


def pick_header(first_rows: list, columns: ColumnTable = BENEFICIARY_COLUMNS) -> tuple[int, list[str], list]:
    """(the header's row number, its titles, the rows after it) among the first filled rows."""
    index = next((i for i, (_, values) in enumerate(first_rows) if names_columns(values, columns)), 0)
    number, values = first_rows[index]
    return number, [str(title or "")[:MAX_TITLE_LENGTH] for title in values], first_rows[index + 1 :]


def add_row(rows: list, row: tuple) -> None:
    if len(rows) == MAX_ROWS:
        refuse("too_many_rows", **LIMITS)
    rows.append(row)


def invisible_character(title: str) -> str:
    """The first control or invisible character of a column title, as U+XXXX; "" when none.

    The text rule of the registry's fields (reintegration.lib.text); a title may wrap on two lines.
    """
    try:
        check_characters(title, MULTILINE)
    except ValidationError as error:
        return error.params["character"]
    return ""


def refuse_invisible_titles(titles: list[str]) -> None:
    problems = [
        problem("invisible_in_header", letter=column_letter(index), character=character)
        for index, title in enumerate(titles)
        if (character := invisible_character(title))
    ]
    if problems:
        raise FileRefused(problems)


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
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values
    except csv.Error as error:
        # "field larger than field limit (131072)": a cell no column takes (the longest takes 200
        # characters), not a quoting error; the row is the record being read, as a spreadsheet numbers it.
        if str(error).startswith("field larger than field limit"):
            refuse("cell_too_long", number=number + 1, characters=csv.field_size_limit())
        refuse("bad_csv", number=reader.line_num)


def check_zip(data: bytes) -> None:
    """Refuse a workbook that would unpack to far more than its size, before anything unpacks it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        refuse("bad_xlsx")
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        refuse("unzipped_too_large", megabytes=MAX_UNZIPPED_MEGABYTES)
    for member in members:
        if member.file_size > RATIO_FREE_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            refuse("packed_too_tight", ratio=MAX_RATIO)


def xlsx_records(data: bytes):
    check_zip(data)
    try:
        # data_only=False keeps formulas visible as such: their cached values may be stale or absent.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # BadZipFile, KeyError, ValueError...: any of them means "not a readable workbook"
        refuse("bad_xlsx")
    try:
        if len(workbook.sheetnames) > 1:
            refuse("several_sheets", count=len(workbook.sheetnames))
        sheet = workbook.worksheets[0]
        # The very part openpyxl will parse (_get_source is how its read-only sheet opens it).
        with sheet._get_source() as source:
            refuse_heavy_sheet(source)
        sheet.reset_dimensions()  # the declared <dimension> is the file's word, not a fact
        # Read-only sheets yield every row from the first, blank ones included, so counting gives row numbers.
        # One row past MAX_READ_ROWS is enough to refuse the file: openpyxl parses no further.
        rows = sheet.iter_rows(max_row=MAX_READ_ROWS + 1, max_col=MAX_COLUMNS)
        for number, row in enumerate(rows, start=1):
            values = [cell.value for cell in row]
            while values and values[-1] is None:  # openpyxl pads each row to max_col
                values.pop()
            for cell in row[: len(values)]:
                if cell.data_type == "f":
                    refuse("formulas", cell=cell.coordinate)
            yield number, values
    except FileRefused:
        raise
    except Exception:  # a broken or truncated sheet (CRC error, bad XML) found while reading it
        refuse("bad_xlsx")
    finally:
        workbook.close()


def refuse_heavy_sheet(source) -> None:
    """Refuse a sheet whose XML would make openpyxl hold too much at once, counted while streaming it.

    expat keeps no tree: this pass holds a few counters, whatever the sheet holds.
    """
    counter = SheetCounter()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    parser.ParseFile(source)


class SheetCounter:
    """Counts, as the sheet's elements start, what openpyxl would build from them.

    openpyxl makes a cell of every element directly in a <row>, whatever its name, builds all of them
    (and their parts) before cutting the row at `max_col`, and dispatches every <row>, however nested.
    """

    def __init__(self):
        self.depth = 0
        self.row_depth = 0  # the depth of the open <row>; 0 outside rows
        self.rows = self.number = self.cells = self.row_parts = self.sheet_parts = 0

    def start(self, name, attributes):
        self.depth += 1
        if self.row_depth:
            self.row_parts += 1
            self.cells += self.depth == self.row_depth + 1
            if self.cells > MAX_COLUMNS:
                refuse("wide_row", number=self.number, columns=MAX_COLUMNS)
            if self.row_parts > MAX_ROW_PARTS:
                refuse("row_too_complex", number=self.number)
        elif name == ROW_TAG:
            self.start_row(attributes.get("r", ""))
        else:
            self.sheet_parts += 1
            if self.sheet_parts > MAX_SHEET_PARTS:
                refuse("sheet_too_complex", parts=MAX_SHEET_PARTS)

    def start_row(self, declared: str) -> None:
        self.rows += 1
        if self.rows > MAX_READ_ROWS:  # rows repeating one number would each be parsed, yet never counted
            refuse("rows_past_limit", last=MAX_READ_ROWS)
        # Numbered as openpyxl numbers it (its `r`, else the next one), to name the row in a message.
        self.number = int(declared) if declared.isdigit() and len(declared) < 8 else self.number + 1
        self.row_depth, self.cells, self.row_parts = self.depth, 0, 0

    def end(self, name):
        if self.depth == self.row_depth:
            self.row_depth = 0
        self.depth -= 1
