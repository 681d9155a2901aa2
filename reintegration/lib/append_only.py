"""Append-only tables, enforced by the database itself.

The access log (and, later, the ledger) must never change once written. Python guards
(`save`, `delete`, `QuerySet.update`) are easy to step around: `_base_manager`, a bare
`QuerySet(Model)`, `_raw_delete`, raw SQL. Triggers refuse UPDATE, DELETE and (on
PostgreSQL) TRUNCATE, whatever issued them. A migration adds them with `AppendOnly("model")`.

Only a database superuser can get past them (`session_replication_role`, or dropping the
triggers): the application's own role must not be one in production.
"""

from contextlib import contextmanager

from django.db import migrations

REFUSAL = "append-only table: rows are never updated or deleted"

POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION idmaj_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: {REFUSAL}', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""


def postgresql_protect(table: str) -> list[str]:
    # A row trigger does not fire for TRUNCATE: a statement trigger covers it.
    return [
        POSTGRESQL_FUNCTION,
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION idmaj_refuse_change()",
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION idmaj_refuse_change()",
    ]


def postgresql_unprotect(table: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
        f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
    ]


def sqlite_protect(table: str) -> list[str]:
    # SQLite has no TRUNCATE: `DELETE FROM` without WHERE fires the delete trigger.
    return [
        f'CREATE TRIGGER "{table}_no_{event.lower()}" BEFORE {event} ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{table}: {REFUSAL}'); END"
        for event in ("UPDATE", "DELETE")
    ]


def sqlite_unprotect(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{table}_no_{event}"' for event in ("update", "delete")]


STATEMENTS = {
    "postgresql": (postgresql_protect, postgresql_unprotect),
    "sqlite": (sqlite_protect, sqlite_unprotect),
}


def run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class AppendOnly(migrations.operations.base.Operation):
    """Migration operation: protect `model_name`'s table with the triggers above."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass  # triggers are not part of Django's model state

    def _statements(self, app_label, schema_editor, state, *, undo: bool) -> list[str]:
        vendor = schema_editor.connection.vendor
        if vendor not in STATEMENTS:
            raise NotImplementedError(f"No append-only triggers for {vendor}")
        table = state.apps.get_model(app_label, self.model_name)._meta.db_table
        protect, unprotect = STATEMENTS[vendor]
        return unprotect(table) if undo else protect(table)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for statement in self._statements(app_label, schema_editor, to_state, undo=False):
            schema_editor.execute(statement, params=None)  # no params: "%" in the function is literal

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for statement in self._statements(app_label, schema_editor, from_state, undo=True):
            schema_editor.execute(statement, params=None)  # no params: "%" in the function is literal

    def describe(self):
        return f"Refuse UPDATE, DELETE and TRUNCATE on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_append_only"

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name], {}


@contextmanager
def triggers_suspended(connection):
    """Let the test suite empty every table between tests (Django's flush), and nobody else.

    PostgreSQL: `session_replication_role = replica` skips triggers, for superusers only.
    SQLite (the embedded development database) has no such switch: the triggers are dropped
    and created again.
    """
    protect, unprotect = STATEMENTS[connection.vendor]
    if connection.vendor == "postgresql":
        run(connection, ["SET session_replication_role = replica"])
        try:
            yield
        finally:
            run(connection, ["SET session_replication_role = DEFAULT"])
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        tables = [table for name, table in cursor.fetchall() if name == f"{table}_no_delete"]
    run(connection, [s for table in tables for s in unprotect(table)])
    try:
        yield
    finally:
        run(connection, [s for table in tables for s in protect(table)])
