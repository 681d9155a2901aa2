import pytest

from tests.beneficiaries.spreadsheets import confirm_import, start_import


@pytest.fixture(autouse=True)
def tasks_run_at_once_and_files_stay_in_tmp(settings, tmp_path):
    # django.tasks resets its backends when TASKS changes (a setting_changed receiver), so the
    # tasks declared against the database backend run in-process, at enqueue time.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client_for, khemisset_staff):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    return client


@pytest.fixture
def importing(staff_client, django_capture_on_commit_callbacks):
    """importing(data) → the checked job; importing(data, confirm=True) → the job after the commit."""

    def run(data, name="people.csv", *, confirm=False, skip_invalid=False, decisions=None):
        job = start_import(staff_client, django_capture_on_commit_callbacks, data, name)
        if confirm:
            capture = django_capture_on_commit_callbacks
            job = confirm_import(staff_client, capture, job, skip_invalid=skip_invalid, decisions=decisions)
        return job

    return run
