"""Bulk loading on PostgreSQL: COPY from an in-memory buffer, ids given by the generator, secondary
indexes dropped during the load and built again afterwards from their own definitions.

Why not `bulk_create`: building a model instance and an INSERT per row costs several times what
COPY of a tab-separated line does, and every secondary index (two trigram ones on the registry)
updated row by row costs more than building it once at the end.
"""

import io

from django.db import connection

FLUSH_ROWS = 20_000  # rows buffered per table before a COPY
NULL = "\\N"


def text(value) -> str:
    """One value in COPY's text format (None is NULL; tabs, newlines and backslashes escaped)."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return str.__str__(value)  # a TextChoices member: its value, not its name
    return str(value)


class Table:
    """Rows for one table, written by COPY every FLUSH_ROWS. The generator gives the ids (from 1: the
    table was truncated with RESTART IDENTITY); `finish()` moves the identity past the last one."""

    def __init__(self, model, columns: list[str]):
        self.table = model._meta.db_table
        self.columns = columns
        self.has_id = columns[0] == "id"
        self.last_id = 0
        self.rows: list[str] = []
        self.written = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def add(self, row: tuple) -> None:
        if self.has_id and row[0] > self.last_id:  # ids given by the caller (people, conventions) count too
            self.last_id = row[0]
        self.rows.append("\t".join(map(text, row)))
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        buffer = io.StringIO("\n".join(self.rows) + "\n")
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{self.table}" ({", ".join(self.columns)}) FROM STDIN', buffer)
        self.written += len(self.rows)
        self.rows = []

    def finish(self) -> int:
        self.flush()
        if self.has_id and self.last_id:
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [self.table, self.last_id])
        return self.written


def secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of every index on `tables` that backs no constraint: the
    primary keys and unique constraints stay, and keep checking the rows as they arrive."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
               ORDER BY i.tablename, i.indexname""",
            [tables],
        )
        return cursor.fetchall()


def drop_indexes(indexes: list[tuple[str, str]]) -> None:
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')


def create_indexes(indexes: list[tuple[str, str]], progress) -> None:
    # More memory for the sorts of CREATE INDEX: each is built in one pass, not spilled to disk.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
            progress.advance()


def vacuum_analyze(tables: list[str], progress) -> None:
    # VACUUM sets the visibility map (index-only scans) and flushes the trigram indexes' pending
    # lists, as autovacuum would have long ago on a production table; not inside a transaction.
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
            progress.advance()
