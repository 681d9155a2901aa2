"""Fixtures of the history import's tests (imported by each test module, beside the site's personas)."""

import pytest

from tests.disbursements.history_sheets import past_convention
from tests.factories import BeneficiaryFactory


@pytest.fixture
def tasks_at_once(settings, tmp_path):
    """The tasks run in-process at enqueue time, the uploads in a temporary directory."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def history_convention(db):
    return past_convention()


@pytest.fixture
def registered_person(db, khemisset_staff):
    """Someone registered in Khémisset, CIN XR700001."""
    return BeneficiaryFactory(cin="XR700001", created_by=khemisset_staff)
