"""`manage.py import_history FILE --province CODE [--dry-run] [--skip-invalid]`: as import_beneficiaries."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from disbursements.models import Handover, LedgerEntry
from projects.models import MicroProject
from tests.disbursements.history_fixtures import history_convention, registered_person  # noqa: F401
from tests.disbursements.history_sheets import history_csv, line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history_convention", "registered_person", "in_english")]


@pytest.fixture
def in_english():
    with translation.override("en"):
        yield


def write(tmp_path, rows, name="history.csv"):
    path = tmp_path / name
    path.write_bytes(history_csv(rows))
    return path


def command(path, *args):
    output = StringIO()
    call_command("import_history", str(path), "--province", "04.291", "--user", "khemisset.staff", *args, stdout=output)
    return output.getvalue()


def test_a_dry_run_reports_and_writes_nothing(tmp_path, khemisset_staff):
    output = command(write(tmp_path, [line()]), "--dry-run")
    assert "projects new: 1, unchanged: 0; lines: 1, handovers: 1" in output
    assert "Dry run: nothing was written." in output
    assert not MicroProject.objects.exists() and not LedgerEntry.objects.exists()


def test_the_import_writes_and_a_second_run_finds_everything_unchanged(tmp_path, khemisset_staff):
    path = write(tmp_path, [line()])
    assert "Imported." in command(path)
    assert Handover.objects.get().number == "KHE-2017-0001"
    again = command(path)
    assert "projects new: 0, unchanged: 1" in again
    assert MicroProject.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_invalid_rows_stop_the_import_unless_skipped(tmp_path, khemisset_staff):
    path = write(tmp_path, [line(), line(title="Épicerie", convention="NOPE")])
    with pytest.raises(CommandError, match="1 invalid rows"):
        command(path)
    assert not MicroProject.objects.exists()
    output = command(path, "--skip-invalid")
    assert "row 3, convention:" in output and "NOPE" in output
    assert list(MicroProject.objects.values_list("title", flat=True)) == ["Atelier de couture"]


def test_a_refused_file_says_why(tmp_path, khemisset_staff):
    path = tmp_path / "history.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        command(path)


def test_an_official_may_not_import(tmp_path, khemisset_official):
    with pytest.raises(CommandError, match="may not import"):
        call_command(
            "import_history", str(write(tmp_path, [line()])), "--province", "04.291", "--user", "khemisset.official"
        )
