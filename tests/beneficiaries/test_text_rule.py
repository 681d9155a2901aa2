"""The text rule (reintegration.lib.text) where text comes in, and the exports as a last defence."""

import csv
import importlib
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from beneficiaries import demo
from beneficiaries.importing import build_plan, read_upload, render_all
from beneficiaries.models import Beneficiary, ImportJob
from reintegration.lib.spreadsheets import spreadsheet_safe
from tests.beneficiaries.spreadsheets import confirm_import, csv_bytes, person, start_import
from tests.beneficiaries.test_registry_views import valid_registration
from tests.conftest import KHEMISSET
from tests.factories import BeneficiaryFactory, province

pytestmark = pytest.mark.django_db

CREATE = reverse("beneficiaries:create")


def form_errors(response, field) -> list[str]:
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


# --- the registration form ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "typed", "code"),
    [
        ("first_name", "Moha\u00admed", "control_character"),  # soft hyphen
        ("last_name", "\u202eEl Idrissi", "control_character"),  # right-to-left override
        ("first_name", "Ze\x01ta", "control_character"),
        ("first_name", "M\u043ehamed", "mixed_script"),  # Cyrillic о
        ("last_name", "Ben Al\u03b9", "mixed_script"),  # Greek iota
        ("first_name_ar", "فاطمة\u200f", "control_character"),  # right-to-left mark
        ("first_name", "Mohamed محمد", "latin_script_only"),
        ("last_name_ar", "Zemmouri", "arabic_script_only"),
        ("commune", "Tif\u200blet", "control_character"),  # zero-width space
        ("commune", "Tiflet\nRommani", "line_break"),
        ("notes", "Menuiserie\x0bSoudure", "control_character"),  # Word's manual line break
        ("address", "Derb \u202e12", "control_character"),
        ("first_name", "!!!", "name_without_letter"),
        ("last_name", "???", "name_without_letter"),
        ("last_name", '=HYPERLINK("x")', "name_character"),
        ("first_name", "Karim😀", "name_character"),
        ("first_name", "K\u0338a\u0338r\u0338i\u0338m\u0338", "name_character"),  # K̸a̸r̸i̸m̸
        ("first_name_ar", "كريم\u20dd", "name_character"),  # enclosing circle
        ("first_name", "K4rim", "name_digits"),  # the digit rule's message, and no other
        ("last_name", "123", "name_digits"),
    ],
)
def test_the_registration_form_refuses_invisible_characters_and_mixed_scripts_on_the_field(
    client_for, khemisset_staff, field, typed, code
):
    response = client_for(khemisset_staff).post(CREATE, valid_registration(**{field: typed}))
    assert response.status_code == 200
    assert form_errors(response, field) == [code]
    assert escape(response.context["form"].errors[field][0]) in response.text
    assert Beneficiary.objects.count() == 0


def test_a_nul_byte_gets_the_rules_message_only(client_for, khemisset_staff):
    response = client_for(khemisset_staff).post(CREATE, valid_registration(last_name="Zemm\x00ouri"))
    assert form_errors(response, "last_name") == ["control_character"]  # not also Django's "Null characters..."


def test_the_form_stores_the_nfkc_form_and_keeps_newlines_in_notes(client_for, khemisset_staff):
    data = valid_registration(first_name="Ｆａｔｉｍａ", last_name="Aït-Ali", notes="Couture\r\n\tBroderie")
    assert client_for(khemisset_staff).post(CREATE, data).status_code == 302
    stored = Beneficiary.objects.get()
    assert (stored.first_name, stored.last_name, stored.notes) == ("Fatima", "Aït-Ali", "Couture\n\tBroderie")


def test_a_fullwidth_name_is_a_probable_duplicate_of_its_plain_form(client_for, khemisset_staff):
    BeneficiaryFactory(first_name="Mohamed", last_name="El Idrissi", date_of_birth=date(1990, 5, 17))
    data = valid_registration(
        first_name="Ｍｏｈａｍｅｄ", last_name="Ｅｌ Ｉｄｒｉｓｓｉ", date_of_birth="1990-05-17",
        first_name_ar="", last_name_ar="",
    )  # fmt: skip
    response = client_for(khemisset_staff).post(CREATE, data)
    assert "confirm_not_duplicate" in response.context["form"].errors
    assert "Mohamed El Idrissi" in response.text
    assert Beneficiary.objects.count() == 1


def test_the_model_refuses_what_the_rule_refuses_whatever_the_path(khemisset_staff):
    person = Beneficiary(
        cin="AB1", first_name="Moha\u00admed", last_name="El Idrissi", last_name_ar="Idrissi", sex="M",
        date_of_birth=date(1990, 5, 17), province=province(KHEMISSET), created_by=khemisset_staff,
        notes="a\x01b",
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    assert set(caught.value.error_dict) == {"first_name", "last_name_ar", "notes"}


def test_every_demo_person_passes_the_rule(khemisset_staff):
    for index in range(len(demo.STATUSES) + len(demo.OTHER_PROVINCES)):
        person = Beneficiary(**demo.person(index), province=province(KHEMISSET), created_by=khemisset_staff)
        person.clean_fields()


# --- the list's search ----------------------------------------------------------------------


@pytest.mark.parametrize("q", ["Idri\u00adssi", "Idrissi\x00", "\u200fالإدريسي"])
def test_a_search_with_an_invisible_character_finds_the_person_instead_of_failing(client_for, khemisset_staff, q):
    BeneficiaryFactory(first_name="Mohamed", last_name="El Idrissi", last_name_ar="الإدريسي", first_name_ar="محمد")
    BeneficiaryFactory(first_name="Karim", last_name="Tazi")
    client = client_for(khemisset_staff)
    response = client.get(reverse("beneficiaries:list"), {"q": q})
    assert [b.first_name for b in response.context["page"].object_list] == ["Mohamed"]
    export = client.get(reverse("beneficiaries:export", args=["csv"]), {"q": q})
    assert export.status_code == 200
    assert "Tazi" not in export.content.decode()


# --- the import -----------------------------------------------------------------------------


def plan_of(rows, header=None):
    return build_plan(read_upload(csv_bytes(rows, header), "people.csv"), province(KHEMISSET))


def problems_of(plan) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["code"]) for p in plan.problems]


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"last_name": "Zem\x00mouri"}, "last_name", "control_character"),
        ({"first_name": "Moha\u00admed"}, "first_name", "control_character"),
        ({"cin": "KA\x00100001"}, "cin", "control_character"),
        ({"sex": "M\x00"}, "sex", "control_character"),
        ({"commune": "Tiflet\u202e"}, "commune", "control_character"),
        ({"first_name": "Kar\u0456m"}, "first_name", "mixed_script"),  # Cyrillic і
        ({"first_name": "Karim كريم"}, "first_name", "latin_script_only"),
        ({"last_name": '=HYPERLINK("x")'}, "last_name", "name_character"),
        ({"first_name": "!!!"}, "first_name", "name_without_letter"),
        ({"first_name": "K\u0338arim"}, "first_name", "name_character"),
    ],
)
def test_the_dry_run_refuses_a_bad_text_cell_with_its_row_and_column_and_nothing_else(cells, column, code):
    plan = plan_of([person(1), person(2, **cells)])
    assert problems_of(plan) == [(3, column, code)]  # one problem: not also "required" for the dropped cell
    assert plan.counts["invalid"] == 1


def test_an_arabic_name_column_holding_latin_letters_is_refused():
    header = ["cin", "first_name_ar", "last_name_ar", "sex", "date_of_birth"]
    rows = [
        {"cin": "KA1", "first_name_ar": "كريم", "last_name_ar": "Bennani", "sex": "M", "date_of_birth": "1980-01-01"}
    ]
    assert problems_of(plan_of(rows, header)) == [(2, "last_name_ar", "arabic_script_only")]


def test_fullwidth_cells_are_imported_in_their_plain_form():
    plan = plan_of([person(1, first_name="Ｋａｒｉｍ", commune="Ｔｉｆｌｅｔ")])
    assert (plan.results[0].values["first_name"], plan.results[0].values["commune"]) == ("Karim", "Tiflet")


def test_the_mixed_script_message_names_the_alphabets_in_the_readers_language():
    problems = plan_of([person(1, first_name="Kar\u0456m")]).problems  # stored as codes, rendered when read
    with translation.override("fr"):
        assert "(Cyrillique, Latin)" in render_all(problems)[0]["message"]
    with translation.override("en"):
        assert "(Cyrillic, Latin)" in render_all(problems)[0]["message"]


def test_a_nul_byte_in_a_cell_is_refused_by_the_preview_and_the_commit_writes_the_other_rows_only(
    client_for, khemisset_staff, django_capture_on_commit_callbacks
):
    client = client_for(khemisset_staff)
    data = csv_bytes([person(1), person(2, last_name="Zem\x00mouri")])
    job = start_import(client, django_capture_on_commit_callbacks, data)
    assert job.status == ImportJob.Status.VALIDATED  # the report (JSON) was stored: it holds no NUL
    assert [(p["row"], p["column"], p["code"]) for p in job.report["problems"]] == [
        (3, "last_name", "control_character")
    ]
    job = confirm_import(client, django_capture_on_commit_callbacks, job, skip_invalid=True)
    assert job.status == ImportJob.Status.DONE
    assert list(Beneficiary.objects.values_list("cin", flat=True)) == ["KA100001"]


# --- the exports: a last defence ------------------------------------------------------------


def test_a_control_character_already_in_the_database_does_not_break_the_exports(client_for, khemisset_staff):
    stored = BeneficiaryFactory(first_name="Ali", last_name="Tazi")
    Beneficiary.objects.filter(pk=stored.pk).update(last_name="Ze\x01ta", commune="Tif\x7flet\x0b")
    client = client_for(khemisset_staff)
    xlsx = client.get(reverse("beneficiaries:export", args=["xlsx"]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert (sheet["C2"].value, sheet["K2"].value) == ("Zeta", "Tiflet")  # last name, commune
    response = client.get(reverse("beneficiaries:export", args=["csv"]))
    assert response.status_code == 200
    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))[1]
    assert (row[2], row[10]) == ("Zeta", "Tiflet")


def test_spreadsheet_cells_keep_tabs_newlines_and_arabic():
    assert spreadsheet_safe("حي السلام\n\tTiflet") == "حي السلام\n\tTiflet"
    assert spreadsheet_safe("\x01=HYPERLINK(1)") == "'=HYPERLINK(1)"  # stripped first, then quoted


# --- look-alike letters: one person for the duplicate check and the search --------------------

LOOKALIKES = [
    ("", "", "کریم", "التازی"),  # Persian keheh U+06A9, Farsi yeh U+06CC
    ("", "", "ڪريم", "التازے"),  # swash kaf U+06AA, Urdu yeh barree U+06D2
    ("Kɑrim", "Tɑzi", "", ""),  # Latin alpha U+0251
    ("Karım", "Tazı", "", ""),  # dotless ı U+0131
]


def karim_tazi():
    return BeneficiaryFactory(
        first_name="Karim", last_name="Tazi", first_name_ar="كريم", last_name_ar="التازي",
        date_of_birth=date(1974, 12, 20),
    )  # fmt: skip


@pytest.mark.parametrize(("first", "last", "first_ar", "last_ar"), LOOKALIKES)
def test_a_name_in_look_alike_letters_is_a_probable_duplicate_on_the_form(
    client_for, khemisset_staff, first, last, first_ar, last_ar
):
    karim_tazi()
    data = valid_registration(
        first_name=first, last_name=last, first_name_ar=first_ar, last_name_ar=last_ar, date_of_birth="1974-12-20",
        sex="M",
    )  # fmt: skip
    response = client_for(khemisset_staff).post(CREATE, data)
    assert "confirm_not_duplicate" in response.context["form"].errors
    assert "Karim Tazi — كريم التازي" in response.text
    assert Beneficiary.objects.count() == 1


@pytest.mark.parametrize(("first", "last", "first_ar", "last_ar"), LOOKALIKES)
def test_a_name_in_look_alike_letters_is_a_probable_duplicate_in_an_import(first, last, first_ar, last_ar):
    karim_tazi()
    header = ["cin", "first_name", "last_name", "first_name_ar", "last_name_ar", "sex", "date_of_birth"]
    row = {
        "cin": "KA9", "first_name": first, "last_name": last, "first_name_ar": first_ar, "last_name_ar": last_ar,
        "sex": "M", "date_of_birth": "20/12/1974",
    }  # fmt: skip
    plan = plan_of([row], header)
    assert plan.problems == []
    assert [(w["row"], w["code"]) for w in plan.warnings] == [(2, "probable_duplicate")]


@pytest.mark.parametrize(("first", "last", "first_ar", "last_ar"), LOOKALIKES)
@pytest.mark.parametrize("q", ["كريم", "karim"])
def test_the_search_finds_a_person_registered_in_look_alike_letters(
    client_for, khemisset_staff, first, last, first_ar, last_ar, q
):
    person = BeneficiaryFactory(first_name=first, last_name=last, first_name_ar=first_ar, last_name_ar=last_ar)
    BeneficiaryFactory(first_name="Rachid", last_name="Bennani", first_name_ar="رشيد", last_name_ar="بناني")
    response = client_for(khemisset_staff).get(reverse("beneficiaries:list"), {"q": q})
    assert list(response.context["page"].object_list) == [person]


@pytest.mark.parametrize("q", ["کریم", "Kɑrim", "التازی"])
def test_a_search_typed_in_look_alike_letters_finds_the_person(client_for, khemisset_staff, q):
    person = karim_tazi()
    BeneficiaryFactory(first_name="Rachid", last_name="Bennani")
    response = client_for(khemisset_staff).get(reverse("beneficiaries:list"), {"q": q})
    assert list(response.context["page"].object_list) == [person]


def test_the_migration_recomputes_the_keys_stored_with_the_old_folding():
    from django.apps import apps

    migration = importlib.import_module("beneficiaries.migrations.0014_fold_lookalike_letters")
    person = BeneficiaryFactory(first_name="", last_name="", first_name_ar="کریم", last_name_ar="التازی")
    stale = {
        "sort_name": "التازی کریم",
        "search_text": "کریم التازی |tzی|کrیm|",
        "person_key": "",
        "person_key_ar": "tzی|کrیm",
    }
    Beneficiary.objects.filter(pk=person.pk).update(**stale)
    migration.Migration.operations[0].code(apps, None)
    person.refresh_from_db()
    assert (person.sort_name, person.person_key_ar) == ("التازي كريم", "krm|tz")
    assert list(Beneficiary.objects.search("كريم")) == [person]
