"""The access log is append-only in the database itself, whatever path a change takes."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from tests.factories import BeneficiaryFactory


@pytest.fixture
def entry(db, khemisset_staff):
    return log_access(khemisset_staff, AccessLog.Action.VIEW, beneficiary=BeneficiaryFactory())


def refused(change) -> bool:
    """Run `change` in its own savepoint; True when the database refused it."""
    try:
        with transaction.atomic():
            change()
    except DatabaseError:
        return True
    return False


def raw(sql, params=()):
    def execute():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return execute


def test_raw_sql_update_of_the_access_log_is_refused(entry):
    assert refused(raw('UPDATE "beneficiaries_accesslog" SET action = %s', ["export"]))
    assert AccessLog.objects.get().action == AccessLog.Action.VIEW


def test_raw_sql_delete_of_the_access_log_is_refused(entry):
    assert refused(raw('DELETE FROM "beneficiaries_accesslog"'))
    assert AccessLog.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_the_access_log_is_refused(entry):
    assert refused(raw('TRUNCATE "beneficiaries_accesslog"'))
    assert AccessLog.objects.count() == 1


def test_orm_paths_around_the_python_guards_are_refused(entry):
    assert refused(lambda: AccessLog._base_manager.update(action="export"))
    assert refused(lambda: QuerySet(AccessLog).update(action="export"))
    assert refused(lambda: QuerySet(AccessLog)._raw_delete(connection.alias))
    assert refused(lambda: AccessLog._base_manager.filter(pk=entry.pk).delete())
    entry.refresh_from_db()
    assert entry.action == AccessLog.Action.VIEW


def test_new_entries_are_still_written(entry, khemisset_staff):
    log_access(khemisset_staff, AccessLog.Action.EXPORT, query="status=registered", row_count=3)
    assert AccessLog.objects.count() == 2
