"""A bad history file is refused whole, with the beneficiary import's reasons, and nothing is written."""

import io
import zipfile

import pytest

from beneficiaries.importing.messages import MAX_MEGABYTES
from disbursements.history import FileRefused, read_history
from tests.disbursements.history_sheets import HEADER, history_csv, line, xlsx_bytes

pytestmark = pytest.mark.django_db


def refusal(data: bytes, name="history.csv") -> set[str]:
    with pytest.raises(FileRefused) as refused:
        read_history(data, name)
    return {problem["code"] for problem in refused.value.problems}


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    assert refusal(b"%PDF-1.4 ...", "history.pdf") == {"bad_type"}
    assert refusal(b"not a zip at all", "history.xlsx") == {"bad_xlsx"}


def test_a_workbook_with_macros_is_refused_by_its_type():
    assert refusal(xlsx_bytes([line()]), "history.xlsm") == {"bad_type"}


def test_an_empty_file_is_refused():
    assert refusal(b"", "history.csv") == {"empty"}
    assert refusal(b"\n\n", "history.csv") == {"empty"}


def test_a_header_without_rows_is_empty():
    assert refusal(",".join(HEADER).encode() + b"\n") == {"empty"}


def test_a_file_without_a_header_names_the_missing_columns():
    data = b"XR700001,Atelier,crafts,Tiflet,22000,2000,KHE-2016-HIST,INDH,20000,equipment,15/03/2017\n" * 2
    assert "missing_history_columns" in refusal(data)


def test_missing_required_columns_are_named():
    header = [name for name in HEADER if name not in ("convention", "amount")]
    with pytest.raises(FileRefused) as refused:
        read_history(history_csv([line()], header), "history.csv")
    (problem,) = refused.value.problems
    assert problem["code"] == "missing_history_columns"
    assert problem["params"]["columns"] == ["convention", "amount"]


def test_beneficiary_columns_that_could_not_register_anyone_are_refused():
    header = [*HEADER, "first_name"]  # no last name, sex or date of birth
    assert refusal(history_csv([line()], header)) == {"person_columns_incomplete"}


def test_a_file_too_large_is_refused_before_it_is_read():
    data = history_csv([line()]) + b"#" * (MAX_MEGABYTES * 1024 * 1024)
    assert refusal(data) == {"too_large"}


def test_a_zip_bomb_is_refused_before_it_unpacks():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x/>" + b" " * (60 * 1024 * 1024))
    assert refusal(buffer.getvalue(), "history.xlsx") & {"unzipped_too_large", "packed_too_tight"}


def test_an_invisible_character_in_a_column_title_is_refused():
    header = ["cin", "ti\u200btle", *HEADER[2:]]
    assert refusal(history_csv([line()], header)) == {"invisible_in_header"}


def test_a_workbook_with_formulas_is_refused():
    assert refusal(xlsx_bytes([line()], HEADER, extra={"E2": "=1+1"}), "history.xlsx") == {"formulas"}


def test_a_csv_not_in_utf8_is_refused():
    assert refusal(history_csv([line(commune="Khémisset")]).decode().encode("latin-1")) == {"not_utf8"}


def test_a_good_workbook_reads():
    table = read_history(xlsx_bytes([line()], HEADER), "history.xlsx")
    assert len(table.rows) == 1 and table.header.fields["amount"] == HEADER.index("amount")
