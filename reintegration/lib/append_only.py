"""Append-only tables, enforced by the database itself.

The access log (and, later, the ledger) must never change once written. Python guards
(`save`, `delete`, `QuerySet.update`) are easy to step around: `_base_manager`, a bare
`QuerySet(Model)`, `_raw_delete`, raw SQL. Triggers refuse UPDATE, DELETE and (on
PostgreSQL) TRUNCATE, whatever issued them; on SQLite a third one refuses `INSERT OR REPLACE`
(`REPLACE INTO`) onto an existing row, since REPLACE deletes the old row without firing delete
triggers. A migration adds them with `AppendOnly("model")`.

Who can get past the triggers: a superuser (`session_replication_role`), and the table's owner
(`ALTER TABLE ... DISABLE TRIGGER`, `DROP TRIGGER`). So in production the tables belong to a role
that only runs `migrate`, and the application connects as a role that owns nothing (README,
"Production deployment"). On PostgreSQL, AppendOnly also takes UPDATE, DELETE and TRUNCATE on the
table away from every role but its owner: the application role, which got UPDATE and DELETE on
every new table through the default privileges, is refused before any trigger runs. SQLite (the
embedded development database) has no roles: whoever can write the file can drop the triggers.
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


def postgresql_revoke(table: str) -> str:
    """Take UPDATE, DELETE and TRUNCATE away from PUBLIC and every role but the owner; fail if one
    keeps them (a grant made by a third role, which only that role can take back)."""
    holders = f"""
        SELECT DISTINCT grantee::regrole::text FROM pg_class, aclexplode(relacl)
        WHERE oid = '"{table}"'::regclass AND grantee NOT IN (0, relowner)
          AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')"""  # noqa: S608 (names from Meta)
    return f"""
DO $$
DECLARE holder text;
BEGIN
    REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM PUBLIC;
    FOR holder IN {holders}
    LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %s', '{table}', holder);
    END LOOP;
    IF EXISTS ({holders}) THEN
        RAISE EXCEPTION '{table}: a role other than its owner may still change it';
    END IF;
END
$$;
"""


def postgresql_protect(table: str, pk: str) -> list[str]:
    # A row trigger does not fire for TRUNCATE: a statement trigger covers it. Every statement can
    # run again (CREATE OR REPLACE, REVOKE), so AppendOnly(..., reapply=True) can bring it up to date.
    return [
        POSTGRESQL_FUNCTION,
        f'CREATE OR REPLACE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION idmaj_refuse_change()",
        f'CREATE OR REPLACE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION idmaj_refuse_change()",
        postgresql_revoke(table),
    ]


def postgresql_unprotect(table: str) -> list[str]:
    # The privileges stay taken: nobody but the owner needs to change these rows.
    return [
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
        f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
    ]


def sqlite_trigger(table: str, name: str, event: str, when: str = "") -> str:
    return (
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_{name}" BEFORE {event} ON "{table}" {when}'
        f"BEGIN SELECT RAISE(ABORT, '{table}: {REFUSAL}'); END"
    )


def sqlite_protect(table: str, pk: str) -> list[str]:
    # SQLite has no TRUNCATE: `DELETE FROM` without WHERE fires the delete trigger. REPLACE onto an
    # existing row is an insert whose key is taken: refused before SQLite deletes the old row.
    taken = f'WHEN EXISTS (SELECT 1 FROM "{table}" WHERE "{pk}" = NEW."{pk}") '  # noqa: S608 (names from Meta)
    return [
        sqlite_trigger(table, "update", "UPDATE"),
        sqlite_trigger(table, "delete", "DELETE"),
        sqlite_trigger(table, "replace", "INSERT", when=taken),
    ]


def sqlite_unprotect(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{table}_no_{name}"' for name in ("update", "delete", "replace")]


STATEMENTS = {
    "postgresql": (postgresql_protect, postgresql_unprotect),
    "sqlite": (sqlite_protect, sqlite_unprotect),
}


def run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class AppendOnly(migrations.operations.base.Operation):
    """Migration operation: protect `model_name`'s table with the triggers (and privileges) above.

    `reapply=True` runs the protection again on a table an earlier AppendOnly protected, adding
    what was added to it since (every statement may run twice). Undoing it changes nothing: the
    earlier operation's undo is the one that removes the protection.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str, reapply: bool = False):
        self.model_name = model_name
        self.reapply = reapply

    def state_forwards(self, app_label, state):
        pass  # triggers are not part of Django's model state

    def _statements(self, app_label, schema_editor, state, *, undo: bool) -> list[str]:
        vendor = schema_editor.connection.vendor
        if vendor not in STATEMENTS:
            raise NotImplementedError(f"No append-only triggers for {vendor}")
        meta = state.apps.get_model(app_label, self.model_name)._meta
        protect, unprotect = STATEMENTS[vendor]
        return unprotect(meta.db_table) if undo else protect(meta.db_table, meta.pk.column)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for statement in self._statements(app_label, schema_editor, to_state, undo=False):
            schema_editor.execute(statement, params=None)  # no params: "%" in the SQL is literal

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.reapply:
            return
        for statement in self._statements(app_label, schema_editor, from_state, undo=True):
            schema_editor.execute(statement, params=None)  # no params: "%" in the SQL is literal

    def describe(self):
        if self.reapply:
            return f"Bring the append-only protection of {self.model_name} up to date"
        return f"Refuse UPDATE, DELETE and TRUNCATE on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_append_only" + ("_again" if self.reapply else "")

    def deconstruct(self):
        return self.__class__.__qualname__, [self.model_name], {"reapply": True} if self.reapply else {}


@contextmanager
def triggers_suspended(connection):
    """Let the test suite empty every table between tests (Django's flush), and nobody else.

    PostgreSQL: `session_replication_role = replica` skips triggers, for superusers only.
    SQLite (the embedded development database) has no such switch: the triggers are dropped
    and created again, from the SQL SQLite kept of them.
    """
    if connection.vendor == "postgresql":
        run(connection, ["SET session_replication_role = replica"])
        try:
            yield
        finally:
            run(connection, ["SET session_replication_role = DEFAULT"])
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = [(name, sql) for name, sql in cursor.fetchall() if REFUSAL in sql]
    run(connection, [f'DROP TRIGGER "{name}"' for name, _ in triggers])
    try:
        yield
    finally:
        run(connection, [sql for _, sql in triggers])
