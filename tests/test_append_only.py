"""The access log is append-only in the database itself, whatever path a change takes."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import QuerySet

from beneficiaries.access import log_access
from beneficiaries.models import AccessLog
from reintegration.lib.append_only import AppendOnly, postgresql_protect, run, triggers_suspended
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
    # The foreign-key checks of the entry's insert run first: PostgreSQL refuses to TRUNCATE a table
    # with checks pending ("pending trigger events"), which would pass without the trigger.
    assert refused(raw('SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE "beneficiaries_accesslog"'))
    assert AccessLog.objects.count() == 1


REPLACE_ROW = 'INTO "beneficiaries_accesslog" (id, user_id, at, action, query) VALUES (%s, %s, %s, %s, %s)'
SQLITE_ONLY = pytest.mark.skipif(connection.vendor != "sqlite", reason="REPLACE is SQLite's")


@SQLITE_ONLY
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE"])
def test_replacing_an_access_log_row_through_its_id_is_refused(entry, verb):
    # REPLACE deletes the row it collides with without firing the delete trigger.
    assert refused(raw(f"{verb} {REPLACE_ROW}", [entry.pk, entry.user_id, entry.at, "export", "forged"]))
    entry.refresh_from_db()
    assert (entry.action, entry.query) == (AccessLog.Action.VIEW, "")


def test_an_upsert_onto_an_access_log_row_is_refused(entry):
    upsert = f"INSERT {REPLACE_ROW} ON CONFLICT (id) DO UPDATE SET action = excluded.action"
    assert refused(raw(upsert, [entry.pk, entry.user_id, entry.at, "export", "forged"]))
    assert AccessLog.objects.get().action == AccessLog.Action.VIEW


@SQLITE_ONLY
def test_the_flush_of_the_test_suite_leaves_every_sqlite_trigger_in_place(entry):
    def triggers():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            return cursor.fetchall()

    before = triggers()
    with triggers_suspended(connection):
        assert triggers() == []
        AccessLog._base_manager.filter(pk=entry.pk)._raw_delete(connection.alias)
    assert triggers() == before
    assert {name for name, _ in before} >= {f"beneficiaries_accesslog_no_{n}" for n in ("update", "delete", "replace")}


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


def reapply_the_protection():
    """Run migration 0011's operation, as on a database protected before the operation grew."""
    state = MigrationLoader(connection).project_state(("beneficiaries", "0011_accesslog_append_only_again"))
    editor = connection.SchemaEditorClass(connection)  # not entered: SQLite's refuses inside a transaction
    AppendOnly("accesslog", reapply=True).database_forwards("beneficiaries", editor, state, state)


@SQLITE_ONLY
def test_a_database_protected_before_replace_was_refused_is_brought_up_to_date(entry):
    raw('DROP TRIGGER "beneficiaries_accesslog_no_replace"')()
    reapply_the_protection()
    assert refused(raw(f"REPLACE {REPLACE_ROW}", [entry.pk, entry.user_id, entry.at, "export", "forged"]))


POSTGRESQL_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles are PostgreSQL's")
PERMISSION_DENIED = "42501"


def sqlstate(change) -> str | None:
    """Run `change` in its own savepoint; the SQLSTATE of the database's refusal, None if it passed."""
    try:
        with transaction.atomic():
            change()
    except DatabaseError as error:
        return error.__cause__.pgcode
    return None


@pytest.fixture
def app_role(db):
    """A role that owns nothing, granted what the README's default privileges give the application
    role on every table `migrate` creates; then the append-only protection as migrate applies it.
    Roles are cluster-wide: a unique name, dropped at the end (the test's rollback drops it too)."""
    role = f"idmaj_test_app_{uuid.uuid4().hex[:12]}"
    grants = [
        f'CREATE ROLE "{role}" NOLOGIN',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
    ]
    run(connection, grants)
    try:
        reapply_the_protection()
        yield role
    finally:
        run(connection, ["RESET ROLE", f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"'])


@POSTGRESQL_ONLY
def test_the_application_role_writes_the_access_log_but_cannot_change_or_unprotect_it(
    entry, app_role, khemisset_staff, rabat_staff
):
    run(connection, [f'SET ROLE "{app_role}"'])
    log_access(khemisset_staff, AccessLog.Action.EXPORT, query="status=registered", row_count=3)
    rabat_staff.first_name = "Renamed"
    rabat_staff.save()  # the other tables stay writable
    attempts = {
        "UPDATE": "UPDATE beneficiaries_accesslog SET action = 'export'",
        "DELETE": "DELETE FROM beneficiaries_accesslog",
        "TRUNCATE": "TRUNCATE beneficiaries_accesslog",
        "DISABLE TRIGGER": "ALTER TABLE beneficiaries_accesslog DISABLE TRIGGER USER",
        "DROP TRIGGER": "DROP TRIGGER beneficiaries_accesslog_append_only ON beneficiaries_accesslog",
        "session_replication_role": "SET session_replication_role = replica",
    }
    outcomes = {name: sqlstate(raw(sql)) for name, sql in attempts.items()}
    run(connection, ["RESET ROLE"])
    assert outcomes == dict.fromkeys(attempts, PERMISSION_DENIED)
    assert AccessLog.objects.count() == 2
    assert AccessLog.objects.filter(pk=entry.pk, action=AccessLog.Action.VIEW).exists()


@POSTGRESQL_ONLY
def test_a_table_protected_later_is_taken_back_from_the_roles_the_default_privileges_granted(db):
    role = f"idmaj_test_app_{uuid.uuid4().hex[:12]}"
    run(connection, [f'CREATE ROLE "{role}" NOLOGIN'])
    try:
        run(
            connection,
            [
                f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "{role}"',
                f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "{role}"',
                'CREATE TABLE "idmaj_test_ledger" (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)',
                'GRANT UPDATE, TRUNCATE ON "idmaj_test_ledger" TO PUBLIC',
                *postgresql_protect("idmaj_test_ledger", "id"),
                f'SET ROLE "{role}"',
                "INSERT INTO \"idmaj_test_ledger\" (note) VALUES ('first')",
            ],
        )
        outcomes = [sqlstate(raw(f'{verb} "idmaj_test_ledger"')) for verb in ("DELETE FROM", "TRUNCATE")]
        outcomes.append(sqlstate(raw("UPDATE \"idmaj_test_ledger\" SET note = 'changed'")))
    finally:
        run(connection, ["RESET ROLE", f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"'])
    assert outcomes == [PERMISSION_DENIED] * 3
