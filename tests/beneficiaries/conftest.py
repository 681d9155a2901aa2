import pytest


@pytest.fixture(autouse=True)
def tasks_run_at_once_and_files_stay_in_tmp(settings, tmp_path):
    # django.tasks resets its backends when TASKS changes (a setting_changed receiver), so the
    # tasks declared against the database backend run in-process, at enqueue time.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
