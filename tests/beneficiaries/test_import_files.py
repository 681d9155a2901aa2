"""What the import makes of a file: accepted shapes, refused files, and the row-by-row checks."""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from beneficiaries.importing import FileRefused, build_plan, read_upload, render_all
from beneficiaries.importing.reading import MAX_BYTES
from beneficiaries.models import Beneficiary, ImportJob
from tests.beneficiaries.spreadsheets import csv_bytes, people, person, start_import, upload, xlsx_bytes
from tests.conftest import KHEMISSET, RABAT
from tests.factories import BeneficiaryFactory, province

pytestmark = pytest.mark.django_db


def plan_of(data: bytes, name: str = "people.csv", code: str = KHEMISSET):
    return build_plan(read_upload(data, name), province(code))


def refusal(data: bytes, name: str = "people.csv") -> list[str]:
    """The messages, in English, that refuse the file."""
    with pytest.raises(FileRefused) as refused, translation.override("en"):
        read_upload(data, name)
    with translation.override("en"):
        return [item["message"] for item in render_all(refused.value.problems)]


def problems_of(plan) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["code"]) for p in plan.problems]


# Shapes that are accepted


def test_a_csv_with_english_headers_gives_one_new_person_per_row():
    plan = plan_of(csv_bytes(people(3)))
    assert plan.counts == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 0}
    assert plan.problems == []
    first = plan.results[0]
    assert first.number == 2  # the header is row 1, as the spreadsheet shows it
    assert first.values["cin"] == "KA100001"
    assert first.values["date_of_birth"] == date(1960, 1, 2)


def test_french_headers_with_capitals_accents_and_spaces_are_understood():
    header = [
        "CIN",
        "Prénom",
        "NOM",
        "Sexe",
        "Date de naissance",
        "Téléphone",
        "date_liberation",
        "Source d'orientation",
    ]
    row = ["ab 123456", "Zoé", "Alami", "F", "02/03/1990", "06 12 34 56 78", "01/01/2024", "Fondation"]
    data = ";".join(header).encode() + b"\n" + ";".join(row).encode()
    plan = plan_of(data)
    assert plan.problems == []
    assert plan.unknown_columns == []
    values = plan.results[0].values
    assert values["cin"] == "AB123456"
    assert (values["first_name"], values["last_name"], values["sex"]) == ("Zoé", "Alami", Beneficiary.Sex.FEMALE)
    assert values["phone"] == "+212612345678"
    assert values["release_date"] == date(2024, 1, 1)


def test_arabic_headers_are_understood_and_arabic_names_land_in_the_arabic_fields():
    header = [
        "رقم البطاقة الوطنية",
        "الاسم الشخصي",
        "الاسم العائلي",
        "الجنس",
        "تاريخ الازدياد",
        "جهة الإحالة",
        "تاريخ الإفراج",
    ]
    row = ["AB" + "٤٥٦٧٨٩", "محمد", "العلوي", "ذكر", "١٥/٠٦/١٩٨٥", "prison", "2023-05-01"]
    plan = plan_of(xlsx_bytes([dict(zip(header, row, strict=True))], header), "قائمة.xlsx")
    assert plan.problems == []
    values = plan.results[0].values
    assert (values["first_name_ar"], values["last_name_ar"]) == ("محمد", "العلوي")
    assert "first_name" not in values
    assert values["sex"] == Beneficiary.Sex.MALE
    assert values["date_of_birth"] == date(1985, 6, 15)
    assert values["referral_source"] == Beneficiary.ReferralSource.PRISON


def test_no_cin_reason_column_is_understood_in_french_and_arabic():
    for title in ("motif_sans_cin", "سبب_غياب_البطاقة", "no_cin_reason"):
        rows = [{"prenom": "Said", "nom": "Berrada", "sexe": "H", "date_naissance": "1980-01-01", title: "perdue"}]
        plan = plan_of(csv_bytes(rows))
        assert plan.problems == []
        assert plan.results[0].values["no_cin_reason"] == "perdue"


def test_a_csv_with_a_byte_order_mark_and_semicolons_is_read_like_any_other():
    plan = plan_of(csv_bytes(people(2), delimiter=";", bom=True))
    assert plan.counts["new"] == 2
    assert plan.results[0].values["cin"] == "KA100001"  # the BOM did not stick to the first header


@pytest.mark.parametrize("written", ["31/12/1990", "1990-12-31", "31/12/1990 ", "٣١/١٢/١٩٩٠"])
def test_dates_are_accepted_as_dd_mm_yyyy_or_yyyy_mm_dd(written):
    plan = plan_of(csv_bytes([person(1, date_of_birth=written)]))
    assert plan.results[0].values["date_of_birth"] == date(1990, 12, 31)


@pytest.mark.parametrize("written", ["abc", "31-12-1990", "1990/12/31", "31.12.1990", "1990"])
def test_any_other_date_is_a_row_error_quoting_the_value(written):
    plan = plan_of(csv_bytes([person(1, date_of_birth=written)]))
    assert problems_of(plan) == [(2, "date_of_birth", "bad_date")]
    with translation.override("en"):
        assert f"“{written}” is not a date" in render_all(plan.problems)[0]["message"]


@pytest.mark.parametrize("written", ["31/02/1990", "29/02/2023", "12/31/1990", "1990-04-31"])
def test_a_day_that_does_not_exist_is_said_so_not_called_not_a_date(written):
    plan = plan_of(csv_bytes([person(1, date_of_birth=written)]))
    assert problems_of(plan) == [(2, "date_of_birth", "no_such_date")]
    with translation.override("en"):
        message = render_all(plan.problems)[0]["message"]
    assert message == f"“{written}”: this date does not exist. Check the day and the month (dd/mm/yyyy)."


def test_29_february_of_a_leap_year_is_a_date():
    plan = plan_of(csv_bytes([person(1, date_of_birth="29/02/1992")]))
    assert plan.results[0].values["date_of_birth"] == date(1992, 2, 29)


def test_excel_date_cells_are_accepted():
    plan = plan_of(xlsx_bytes([person(1, date_of_birth=date(1991, 4, 5))]), "people.xlsx")
    assert plan.results[0].values["date_of_birth"] == date(1991, 4, 5)


def test_a_phone_that_excel_stored_as_a_number_gets_its_leading_zero_back():
    plan = plan_of(xlsx_bytes([person(1, phone=612345678)]), "people.xlsx")
    assert plan.results[0].values["phone"] == "+212612345678"


def test_unknown_columns_are_reported_by_letter_and_name_not_silently_dropped():
    rows = [{**person(1), "Observations": "rien", "": "données sans titre"}]
    plan = plan_of(csv_bytes(rows))
    assert plan.counts["new"] == 1
    assert plan.unknown_columns == [{"letter": "I", "name": "Observations"}, {"letter": "J", "name": ""}]


# Files that are refused as a whole


def test_missing_required_columns_refuse_the_file_and_name_them():
    rows = [{"cin": "AB1", "first_name": "A", "last_name": "B", "birthday": "01/01/1990"}]
    messages = refusal(csv_bytes(rows))
    assert messages == [
        "Required columns are missing: Sex, Date of birth. The row of column names must name them; "
        "the accepted names are listed on the import page."
    ]


def test_a_file_without_name_or_cin_columns_is_refused_naming_the_columns_by_their_label():
    messages = refusal(csv_bytes([{"sex": "M", "date_of_birth": "01/01/1990"}]))
    assert messages == [
        "The file needs a column “CIN”, or “Reason for having no CIN” for people who have no CIN.",
        "The file needs the name columns “First name (Latin script)” and “Last name (Latin script)”, "
        "or “First name (Arabic script)” and “Last name (Arabic script)”.",
    ]


def test_missing_columns_are_named_in_the_readers_language_never_by_their_code():
    rows = [{"cin": "AB1", "prenom": "A", "nom": "B", "naissance": "01/01/1990"}]
    with pytest.raises(FileRefused) as refused:
        read_upload(csv_bytes(rows), "people.csv")
    with translation.override("fr"):
        message = render_all(refused.value.problems)[0]["message"]
    assert "Sexe, Date de naissance" in message
    assert "date_of_birth" not in message


def test_a_column_given_twice_under_two_names_is_refused():
    rows = [{**person(1), "Prénom": "Karim"}]
    assert refusal(csv_bytes(rows)) == ["The columns “first_name” and “Prénom” mean the same thing: keep only one."]


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\n\n", b"cin,first_name,last_name,sex,date_of_birth\n", b"cin;sex\n;;\n"]
)
def test_an_empty_file_or_a_header_without_rows_is_refused(data):
    assert refusal(data) == ["The file is empty: it needs a first row naming the columns, then one row per person."]


def test_a_csv_not_encoded_in_utf8_is_refused_with_how_to_save_it():
    data = "cin,first_name,last_name,sex,date_of_birth\nAB1,Zoé,Alami,F,01/01/1990\n".encode("latin-1")
    [message] = refusal(data)
    assert "not encoded in UTF-8" in message and "CSV UTF-8" in message


def test_a_workbook_with_a_formula_is_refused_naming_the_cell():
    data = xlsx_bytes(people(3), extra={"H3": "=TODAY()"})
    [message] = refusal(data, "people.xlsx")
    assert "formulas (the first one in cell H3)" in message


def test_a_workbook_with_two_sheets_is_refused():
    [message] = refusal(xlsx_bytes(people(3), sheets=2), "people.xlsx")
    assert message.startswith("The workbook has 2 sheets.")


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"PK\x03\x04 not really a zip", "people.xlsx", "could not be opened as an Excel workbook"),
        (csv_bytes(people(1)), "people.xlsx", "could not be opened as an Excel workbook"),
        (b"anything", "people.xls", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        (b"anything", "people.pdf", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
    ],
)
def test_a_file_of_another_kind_is_refused(data, name, expected):
    [message] = refusal(data, name)
    assert expected in message


def test_a_csv_with_broken_quotes_is_refused_naming_the_row():
    data = b'cin,first_name,last_name,sex,date_of_birth\nAB1,"Ka"rim,B,M,01/01/1990\n'
    assert refusal(data) == ["The CSV file is malformed near row 2: check the quotes in that row."]


def test_a_csv_cell_of_200000_characters_is_refused_as_too_long_not_as_broken_quotes():
    data = csv_bytes([person(1), person(2), person(3, commune="Tiflet " * 30_000)])
    assert len(data) < MAX_BYTES
    assert refusal(data) == [
        "Row 4 has a cell of more than 131,072 characters, far more than any column accepts: shorten it (or close "
        "the quote that opens it) and upload the file again."
    ]


def test_a_file_over_5_mb_is_refused_and_the_message_gives_both_limits():
    data = csv_bytes(people(1)) + b"x" * MAX_BYTES
    [message] = refusal(data)
    assert "larger than 5 MB" in message and "20,000 rows" in message


def test_a_file_of_more_than_20000_rows_is_refused_and_the_message_gives_both_limits():
    lines = ["cin,first_name,last_name,sex,date_of_birth"] + [f"KA{n},A,B,M,01/01/1990" for n in range(20_001)]
    [message] = refusal("\n".join(lines).encode())
    assert "more than 20,000 rows" in message and "5 MB" in message


def test_exactly_20000_rows_are_accepted():
    lines = ["cin,first_name,last_name,sex,date_of_birth"] + [f"KA{n},A,B,M,01/01/1990" for n in range(20_000)]
    assert len(read_upload("\n".join(lines).encode(), "big.csv").rows) == 20_000


# Rows checked one by one


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"cin": "123456"}, "cin", "invalid_cin"),
        ({"cin": ""}, "cin", "cin_or_reason"),
        ({"first_name": ""}, "first_name", "names_required"),
        ({"sex": ""}, "sex", "required"),
        ({"sex": "X"}, "sex", "bad_sex"),
        ({"date_of_birth": ""}, "date_of_birth", "required"),
        ({"date_of_birth": "01/01/2100"}, "date_of_birth", "birth_in_future"),
        ({"release_date": "01/01/2100"}, "release_date", "release_in_future"),
        ({"date_of_birth": "01/01/2010", "release_date": "01/06/2024"}, "date_of_birth", "too_young_at_release"),
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"referral_source": "the police"}, "referral_source", "bad_referral"),
        ({"commune": "x" * 101}, "commune", "too_long"),
    ],
)
def test_each_bad_cell_is_a_problem_with_its_row_and_column(cells, column, code):
    header = [*person(1), "referral_source"]
    rows = [person(1), person(2, **cells), person(3)]
    plan = plan_of(csv_bytes(rows, header))
    assert problems_of(plan) == [(3, column, code)]
    assert plan.counts == {"new": 2, "updated": 0, "unchanged": 0, "invalid": 1}
    with translation.override("en"):
        assert render_all(plan.problems)[0]["message"]


def test_problems_point_at_the_column_as_the_file_titles_it():
    rows = [{"CIN": "1234", "Prénom": "Zoé", "Nom": "Alami", "Sexe": "F", "Date de naissance": "1990-01-01"}]
    assert problems_of(plan_of(csv_bytes(rows))) == [(2, "CIN", "invalid_cin")]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("m", "M"),
        ("H", "M"),
        ("homme", "M"),
        ("ذ", "M"),
        ("ذكر", "M"),
        ("f", "F"),
        ("Femme", "F"),
        ("أ", "F"),
        ("أنثى", "F"),
    ],
)
def test_sex_is_understood_in_french_and_arabic_spellings(written, expected):
    assert plan_of(csv_bytes([person(1, sex=written)])).results[0].values["sex"] == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("foundation", "foundation"), ("ASSOCIATION", "association"), ("Came on their own", "self"),
     ("Autre", "other"), ("prison", "prison"), ("السجن", "prison")],
)  # fmt: skip
def test_referral_source_accepts_the_code_or_its_label(written, expected):
    rows = [{**person(1), "referral_source": written}]
    assert plan_of(csv_bytes(rows)).results[0].values["referral_source"] == expected


def test_a_cin_twice_in_the_file_makes_every_occurrence_invalid():
    rows = [person(1), person(2, cin="KA100001"), person(3)]
    plan = plan_of(csv_bytes(rows))
    assert problems_of(plan) == [(2, "cin", "cin_twice"), (3, "cin", "cin_twice")]
    assert plan.problems[0]["params"] == {"rows": "2, 3"}
    assert plan.counts["invalid"] == 2


def test_the_same_person_without_cin_twice_in_the_file_is_invalid():
    twice = {"cin": "", "no_cin_reason": "lost", "first_name": "Said", "last_name": "Berrada"}
    rows = [person(1, **twice), person(2, **twice, date_of_birth=person(1)["date_of_birth"])]
    assert [code for _, _, code in problems_of(plan_of(csv_bytes(rows)))] == ["person_twice", "person_twice"]


def test_a_cin_registered_in_another_province_names_that_province_not_the_person():
    BeneficiaryFactory(cin="KA100002", first_name="Hidden", last_name="Person", province=province(RABAT))
    plan = plan_of(csv_bytes(people(3)))
    assert problems_of(plan) == [(3, "cin", "cin_taken")]
    with translation.override("fr"):
        message = render_all(plan.problems)[0]["message"]
    assert province(RABAT).name_fr in message
    assert "Hidden" not in message and "Person" not in message
    with translation.override("ar"):
        assert province(RABAT).name_ar in render_all(plan.problems)[0]["message"]


def test_a_probable_duplicate_is_a_warning_naming_the_province_and_the_row_stays_valid():
    BeneficiaryFactory(cin="ZZ1", first_name="Mohamed", last_name="Alaoui", date_of_birth=date(1985, 6, 15))
    rows = [
        {
            "cin": "",
            "no_cin_reason": "perdue",
            "prenom": "محمد",
            "nom": "العلوي",
            "sexe": "M",
            "date_naissance": "15/06/1985",
        },
        {
            "cin": "AB77",
            "no_cin_reason": "",
            "prenom": "Mohammed",
            "nom": "Alaoui",
            "sexe": "M",
            "date_naissance": "16/06/1985",
        },
    ]
    plan = plan_of(csv_bytes(rows))
    assert plan.problems == []
    assert plan.counts["new"] == 2
    assert [(w["row"], w["code"]) for w in plan.warnings] == [(2, "probable_duplicate")]
    assert plan.warnings[0]["params"]["name"] == "محمد العلوي"
    assert plan.report()["duplicate_rows"] == [2]
    with translation.override("fr"):
        assert province(KHEMISSET).name_fr in render_all(plan.warnings)[0]["message"]


def test_two_similar_new_people_in_one_file_are_flagged_on_the_second_row():
    rows = [
        person(1, first_name="Fatima", last_name="Zahra"),
        person(2, cin="KA9", first_name="Fatma", last_name="Zahra"),
    ]
    rows[1]["date_of_birth"] = rows[0]["date_of_birth"]
    plan = plan_of(csv_bytes(rows))
    assert [(w["row"], w["code"], w["params"]["other"]) for w in plan.warnings] == [
        (3, "probable_duplicate_in_file", 2)
    ]


# Through the upload screen: size, type and first bytes are checked in the request (a form error,
# nothing created); the rest in the worker (a failed job saying why, nothing registered).


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "people.csv", "The file is empty"),
        (csv_bytes(people(1)) + b" " * MAX_BYTES, "people.csv", "larger than 5 MB"),
        (b"%PDF-1.4", "people.pdf", "Upload a CSV file"),
        (csv_bytes(people(1)), "people.xlsx", "could not be opened as an Excel workbook"),
        ("cin,first_name,last_name,sex,date_of_birth\n".encode("utf-16-le"), "people.csv", "UTF-8"),
    ],
)
def test_a_file_of_the_wrong_size_or_kind_is_refused_by_the_upload_form_and_creates_nothing(
    client_for, khemisset_staff, data, name, expected
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    response = client.post(reverse("beneficiaries:import_upload"), {"file": upload(data, name)})
    assert response.status_code == 200
    assert expected in response.text
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (csv_bytes([{"cin": "AB1", "name": "x"}]), "people.csv", "Required columns are missing"),
        ("cin,first_name,last_name,sex,date_of_birth\nAB1,Zoé,A,F,01/01/1990".encode("cp1252"), "people.csv", "UTF-8"),
        (xlsx_bytes(people(2), extra={"B2": "=1+1"}), "people.xlsx", "formulas"),
        (xlsx_bytes(people(2), sheets=3), "people.xlsx", "3 sheets"),
    ],
)
def test_a_file_the_worker_refuses_fails_its_job_with_the_reason_on_its_page_and_registers_nobody(
    client_for, khemisset_staff, django_capture_on_commit_callbacks, data, name, expected
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    job = start_import(client, django_capture_on_commit_callbacks, data, name)
    assert job.status == ImportJob.Status.FAILED
    page = client.get(job.get_absolute_url()).text
    assert re.search(rf'<div class="alert alert-danger" role="alert" id="failure">\s*<p[^>]*>[^<]*{expected}', page)
    assert not job.file  # the upload is deleted: it will never be imported
    assert Beneficiary.objects.count() == 0


def test_every_message_refusing_a_file_is_on_its_failed_job_page(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "fr"
    job = start_import(client, django_capture_on_commit_callbacks, csv_bytes([{"sex": "M", "date_of_birth": "1990"}]))
    page = client.get(job.get_absolute_url()).text
    # Both messages, each naming the columns by their French label (the catalog gets the new sentences later).
    assert "« Motif de l’absence de CIN »" in page
    assert "« Prénom (caractères latins) »" in page


# What a problem says: the person's name, the column as the reader knows it


def test_each_problem_carries_the_persons_name_as_the_row_writes_it_in_either_script():
    rows = [
        person(1, sex="?"),
        person(2, sex="?", first_name="هشام", last_name="الحداوي"),
        person(3, sex="?", first_name="Zo3", last_name="Alami"),  # a name refused is still how to find the row
    ]
    plan = plan_of(csv_bytes(rows))
    assert [(p["row"], p.get("name")) for p in plan.problems if p["code"] == "bad_sex"] == [
        (2, f"Karim {person(1)['last_name']}"),
        (3, "هشام الحداوي"),
        (4, "Zo3 Alami"),
    ]


def test_a_problem_about_a_column_the_file_lacks_names_it_by_its_label_in_the_readers_language():
    twice = {"cin": "", "no_cin_reason": "perdue", "first_name_ar": "سعيد", "last_name_ar": "برادة", "sex": "M"}
    rows = [{**twice, "date_of_birth": "01/01/1980"}, {**twice, "date_of_birth": "01/01/1980"}]
    problems = plan_of(csv_bytes(rows)).problems
    assert {p["code"] for p in problems} == {"person_twice"}
    with translation.override("fr"):
        shown = render_all(problems)
    assert {item["column"] for item in shown} == {"first_name_ar"}  # the file's own header
    with translation.override("fr"):
        missing = render_all([{"row": 2, "column": "", "field": "sex", "code": "required", "params": {}}])
    assert missing[0]["column"] == "Sexe"


def test_a_bad_referral_source_lists_the_choices_by_their_label_not_their_code():
    rows = [{**person(1), "referral_source": "the police"}]
    with translation.override("en"):
        message = render_all(plan_of(csv_bytes(rows)).problems)[0]["message"]
    assert message == (
        "“the police” is not a referral source. Use one of: Mohammed VI Foundation centre, "
        "Prison administration (DGAPR), Association, Came on their own, Other."
    )


# A title above the column names


def titled_xlsx(rows: list[dict], titles: list[list]) -> bytes:
    """A workbook whose first rows are `titles` (a heading, a blank line...), then the header and `rows`."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in titles:
        sheet.append(line)
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        sheet.append([row[name] for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_title_row_above_the_headers_is_skipped_and_rows_keep_the_sheets_numbers():
    data = titled_xlsx([person(1), person(2, sex="?")], [["Liste des bénéficiaires — Khémisset 2025"]])
    table = read_upload(data, "liste.xlsx")
    assert table.header_row == 2
    assert [number for number, _ in table.rows] == [3, 4]
    plan = build_plan(table, province(KHEMISSET))
    assert plan.counts["new"] == 1
    assert problems_of(plan) == [(4, "sex", "bad_sex")]  # row 4, as the spreadsheet shows it
    assert plan.report()["header_row"] == 2


def test_a_title_a_subtitle_and_a_blank_row_above_the_headers_are_skipped_in_a_csv():
    data = csv_bytes(people(2))
    data = "Liste des bénéficiaires\nKhémisset, 2025;;;\n\n".encode() + data
    table = read_upload(data, "liste.csv")
    assert (table.header_row, [number for number, _ in table.rows]) == (4, [5, 6])


def test_without_any_row_naming_columns_the_first_row_is_the_header_and_the_columns_are_missing():
    data = csv_bytes([{"nom complet": "Karim", "naissance": "01/01/1990"}])
    assert refusal(data)[0].startswith("Required columns are missing: Sex, Date of birth.")


def test_the_preview_says_on_which_row_the_column_names_were_found(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    data = titled_xlsx(people(2), [["Liste des bénéficiaires — Khémisset 2025"]])
    job = start_import(client, django_capture_on_commit_callbacks, data, "liste.xlsx")
    page = client.get(job.get_absolute_url()).text
    assert "The column names were found on row 2: the rows above it (a title) were skipped." in page
    assert re.search(r'id="count-new">\s*2<', page)
