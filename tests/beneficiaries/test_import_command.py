"""`manage.py import_beneficiaries`: the web import's rules, from a terminal."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import User
from beneficiaries.models import Beneficiary
from tests.beneficiaries.spreadsheets import csv_bytes, people, person, sheet_declaring, xlsx_bytes
from tests.conftest import KHEMISSET, RABAT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def write_file(tmp_path):
    def write(data: bytes, name="people.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def run(*args):
    out = StringIO()
    with translation.override("en"):
        call_command("import_beneficiaries", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_a_file_as_the_first_admin_and_prints_the_counts(write_file, admin_user):
    out = run(write_file(xlsx_bytes(people(3)), "people.xlsx"), "--province", KHEMISSET)
    assert "new: 3, updated: 0, unchanged: 0, invalid: 0" in out
    assert "Imported." in out
    assert Beneficiary.objects.filter(province__code=KHEMISSET, created_by=admin_user).count() == 3
    assert Beneficiary.history.filter(history_user=admin_user).count() == 3


def test_running_it_twice_changes_nothing(write_file, admin_user):
    path = write_file(csv_bytes(people(3)))
    run(path, "--province", KHEMISSET)
    assert "new: 0, updated: 0, unchanged: 3, invalid: 0" in run(path, "--province", KHEMISSET)
    assert Beneficiary.history.count() == 3


def test_a_dry_run_reports_and_writes_nothing(write_file, admin_user):
    out = run(write_file(csv_bytes(people(2))), "--province", KHEMISSET, "--dry-run")
    assert "new: 2" in out and "Dry run: nothing was written." in out
    assert Beneficiary.objects.count() == 0


def test_invalid_rows_make_it_fail_without_writing_and_say_where(write_file, admin_user):
    path = write_file(csv_bytes([person(1), person(2, date_of_birth="2/30/1990")]))
    with pytest.raises(CommandError, match="1 invalid rows: nothing imported"):
        run(path, "--province", KHEMISSET)
    assert Beneficiary.objects.count() == 0


def test_the_problems_are_printed_with_row_and_column(write_file, admin_user):
    path = write_file(csv_bytes([person(1), person(2, date_of_birth="2/30/1990")]))
    out = run(path, "--province", KHEMISSET, "--dry-run", "--skip-invalid")
    assert "row 3, date_of_birth: “2/30/1990”: this date does not exist." in out


def test_skip_invalid_imports_the_valid_rows(write_file, admin_user):
    path = write_file(csv_bytes([person(1), person(2, sex="?"), person(3)]))
    out = run(path, "--province", KHEMISSET, "--skip-invalid")
    assert "invalid: 1" in out
    assert sorted(Beneficiary.objects.values_list("cin", flat=True)) == ["KA100001", "KA100003"]


def test_a_refused_file_fails_with_its_reason(write_file, admin_user):
    path = write_file(xlsx_bytes(people(2), sheets=2), "people.xlsx")
    with pytest.raises(CommandError, match="The workbook has 2 sheets"):
        run(path, "--province", KHEMISSET)


def test_a_missing_file_or_an_unknown_province_is_refused(write_file, admin_user, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nowhere.csv"), "--province", KHEMISSET)
    with pytest.raises(CommandError, match=r"No province has the code 99\.999"):
        run(write_file(csv_bytes(people(1))), "--province", "99.999")


def test_without_any_active_admin_it_asks_for_an_importer(write_file, db):
    UserFactory(username="old.admin", role=User.Role.ADMIN, province=None, national=True, is_active=False)
    with pytest.raises(CommandError, match="No active administrator"):
        run(write_file(csv_bytes(people(1))), "--province", KHEMISSET)


def test_staff_may_import_into_their_own_province_only(write_file, khemisset_staff):
    path = write_file(csv_bytes(people(1)))
    with pytest.raises(CommandError, match="may not import into"):
        run(path, "--province", RABAT, "--user", "khemisset.staff")
    run(path, "--province", KHEMISSET, "--user", "khemisset.staff")
    assert Beneficiary.objects.get().created_by == khemisset_staff


def test_an_official_may_not_be_the_importer(write_file, khemisset_official):
    with pytest.raises(CommandError, match="may not import into"):
        run(write_file(csv_bytes(people(1))), "--province", KHEMISSET, "--user", "khemisset.official")


def test_the_command_refuses_a_sheet_declaring_every_excel_cell_and_exits_non_zero(write_file, admin_user):
    data = sheet_declaring(
        xlsx_bytes(people(1)),
        "A1:XFD1048576",
        '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    )
    with pytest.raises(CommandError, match=r"^The sheet goes on past row 21,001 \(blank rows count too\)"):
        run(write_file(data, "people.xlsx"), "--province", KHEMISSET, "--dry-run")
    assert Beneficiary.objects.count() == 0
