"""Rows written with ``COPY … FROM STDIN``: a buffer per table, flushed in batches, with the
tables' secondary indexes and foreign keys dropped for the load and made again after it."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.db import connection, models

# Lines per COPY statement: big enough that a statement's overhead does not count, small enough
# that the buffer stays a few megabytes.
COPY_BATCH = 20_000

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):  # datetimes too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, list):
        return "{" + ",".join(str(v) for v in value) + "}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    raise TypeError(f"no COPY text for {type(value).__name__}")


class _Table:
    """The rows of one model waiting for COPY: ``columns`` are given per row, every other
    concrete field gets its default (or NULL), written once as the end of each line."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = [fields[name].column for name in columns]
        rest = [f for f in model._meta.concrete_fields if f.attname not in columns]
        self.columns += [f.column for f in rest]
        self.suffix = "".join("\t" + _cell(f.get_default()) for f in rest)
        self.buffer = io.StringIO()
        self.pending = 0
        self.written = 0
        self.next_id = 0  # set by _Loader

    def add(self, *values) -> None:
        """A row of ``columns``' values, any Python type COPY text is made of."""
        self.line("\t".join(map(_cell, values)))

    def line(self, text: str) -> None:
        """A row already written as COPY text (the hot loops' way)."""
        self.buffer.write(text + self.suffix + "\n")
        self.pending += 1

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def flush(self, cursor) -> None:
        if not self.pending:
            return
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        self.buffer.seek(0)
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", self.buffer)
        self.written += self.pending
        self.buffer = io.StringIO()
        self.pending = 0


class _Loader:
    """Tables written together, flushed in the order given so that every foreign key finds its
    row: parents come first."""

    def __init__(
        self,
        tables: dict[type[models.Model], Sequence[str]],
        *,
        fast: bool,
        say: Callable[[str], None],
    ):
        self.say = say
        self.tables = {model: _Table(model, columns) for model, columns in tables.items()}
        self.fast = fast
        self.rebuild: list[str] = []
        with connection.cursor() as cursor:
            for table in self.tables.values():
                name = table.model._meta.db_table
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {name}")  # noqa: S608
                table.next_id = cursor.fetchone()[0]

    def __getitem__(self, model: type[models.Model]) -> _Table:
        return self.tables[model]

    def __enter__(self) -> _Loader:
        if self.fast:
            self._drop_indexes()
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is not None:
            return
        self.flush()
        self.say(f"rows copied; {len(self.rebuild)} indexes and foreign keys to make again")
        with connection.cursor() as cursor:
            for table in self.tables.values():
                name = table.model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                    [name, table.next_id],
                )
            for statement in self.rebuild:
                cursor.execute(statement)

    def _drop_indexes(self) -> None:
        """Drop the tables' foreign keys and the indexes that back no constraint (kept:
        primary keys and unique columns), as PostgreSQL's advice on populating a database has
        it; they are made again, from their own definitions, at the end, which checks every
        foreign key and unique index in one pass."""
        names = [t.model._meta.db_table for t in self.tables.values()]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid::regclass::text = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """,
                [names],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                """
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
                """,
                [names],
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        self.rebuild = [definition for _name, definition in indexes] + [
            f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
            for table, name, definition in keys
        ]

    def maybe_flush(self) -> None:
        if sum(t.pending for t in self.tables.values()) >= COPY_BATCH:
            self.flush()

    def flush(self) -> None:
        with connection.cursor() as cursor:
            for table in self.tables.values():
                table.flush(cursor.cursor)

    def counts(self) -> dict[str, int]:
        return {t.model._meta.label: t.written for t in self.tables.values()}
