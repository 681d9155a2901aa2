"""Personas shared by the whole suite (see CONVENTIONS.md)."""

import pytest
from django.db.backends.base.operations import BaseDatabaseOperations

from accounts.models import User
from reintegration.lib.append_only import triggers_suspended
from tests.factories import UserFactory, partner, province, region

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


@pytest.fixture(autouse=True, scope="session")
def flushable_append_only_tables():
    """Tests with real commits end with Django's flush (TRUNCATE or DELETE of every table), which
    the append-only triggers rightly refuse: the flush alone runs with them suspended."""
    flush = BaseDatabaseOperations.execute_sql_flush

    def flush_past_triggers(self, sql_list):
        with triggers_suspended(self.connection):
            flush(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = flush_past_triggers
    yield
    BaseDatabaseOperations.execute_sql_flush = flush


@pytest.fixture
def khemisset_staff(db):
    return UserFactory(username="khemisset.staff", role=User.Role.STAFF, province=province(KHEMISSET))


@pytest.fixture
def rabat_staff(db):
    return UserFactory(username="rabat.staff", role=User.Role.STAFF, province=province(RABAT))


@pytest.fixture
def rsk_coordinator(db):
    """ANAPEC's advisor for the Rabat-Salé-Kénitra region: studies the projects."""
    return UserFactory(
        username="rsk.coordinator",
        role=User.Role.COORDINATOR,
        province=None,
        region=region("04"),
        partner=partner("ANAPEC"),
    )


@pytest.fixture
def khemisset_indh(db):
    """INDH's coordinator (CPDH) in Khémisset: approves INDH's funding lines."""
    return UserFactory(
        username="khemisset.indh", role=User.Role.COORDINATOR, province=province(KHEMISSET), partner=partner("INDH")
    )


@pytest.fixture
def rsk_fm6rd(db):
    """The Foundation's regional centre coordinator: approves FM6RD's funding lines."""
    return UserFactory(
        username="rsk.fm6rd", role=User.Role.COORDINATOR, province=None, region=region("04"), partner=partner("FM6RD")
    )


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
