"""Personas shared by the whole suite (see CONVENTIONS.md)."""

import pytest

from accounts.models import User
from tests.factories import UserFactory, province, region

KHEMISSET = "04.291"
RABAT = "04.421"


@pytest.fixture(autouse=True)
def fast_and_plain(settings):
    # A fast hasher for tests; plain static storage so templates render without collectstatic.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def khemisset_staff(db):
    return UserFactory(username="khemisset.staff", role=User.Role.STAFF, province=province(KHEMISSET))


@pytest.fixture
def rabat_staff(db):
    return UserFactory(username="rabat.staff", role=User.Role.STAFF, province=province(RABAT))


@pytest.fixture
def rsk_coordinator(db):
    return UserFactory(username="rsk.coordinator", role=User.Role.COORDINATOR, province=None, region=region("04"))


@pytest.fixture
def khemisset_official(db):
    return UserFactory(username="khemisset.official", role=User.Role.OFFICIAL, province=province(KHEMISSET))


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=User.Role.ADMIN, province=None, national=True)


@pytest.fixture
def unscoped_coordinator(db):
    return UserFactory(username="nobody", role=User.Role.COORDINATOR, province=None)


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client, logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
