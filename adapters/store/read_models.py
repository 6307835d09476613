"""Read models written in the same transaction as the events they derive from.

eventsourcing passes the keyword arguments of ``EventStore.put()`` to the recorder's public
``insert_events``; this mixin takes ``read_models`` there and applies them in the joint
transaction the events and the consumer position are written in (``adapters.store.joinable``,
ADR 0013, pinned by tests/integration/store/test_eventsourcing_seams.py), so a case's
events, its list rows and the consumer position commit together.
Tables are declared by the service; the SQL is the subset SQLite and PostgreSQL share.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import msgspec
from eventsourcing.persistence import StoredEvent

from adapters.store.joinable import joint_transaction


class Table(msgspec.Struct, frozen=True, kw_only=True):
    """A read-model table: TEXT/INTEGER columns, one primary key, secondary indexes."""

    name: str
    columns: dict[str, str]
    key: str
    indexes: tuple[tuple[str, ...], ...] = ()


class Upsert(msgspec.Struct, frozen=True):
    table: str
    row: dict[str, Any]


class Delete(msgspec.Struct, frozen=True):
    table: str
    key: Any


Change = Upsert | Delete


class ReadModelRecorder:
    """Mixin before an eventsourcing process recorder (SQLite or PostgreSQL), after a chain
    mixin (whose joint transaction, outermost, retries a dropped PostgreSQL connection)."""

    read_model_tables: ClassVar[Sequence[Table]] = ()
    datastore: Any

    @property
    def _is_postgres(self) -> bool:
        return hasattr(self.datastore, "schema")

    def qualified(self, table: str) -> str:
        """The table's name as SQL: schema-qualified on PostgreSQL."""
        if self._is_postgres:
            return f'"{self.datastore.schema}"."{table}"'
        return f'"{table}"'

    def sql(self, statement: str) -> str:
        """Statements are written with ``?``; psycopg wants ``%s``."""
        return statement.replace("?", "%s") if self._is_postgres else statement

    # A mixin: ``super()`` is the SQLite or PostgreSQL recorder after it in the MRO, which
    # mypy cannot see from here (eventsourcing's abstract bases would trip safe-super).
    def create_table(self) -> None:
        super().create_table()  # type: ignore[misc]
        with self.datastore.transaction(commit=True) as cursor:
            for table in self.read_model_tables:
                columns = ", ".join(f"{name} {kind}" for name, kind in table.columns.items())
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.qualified(table.name)} "
                    f"({columns}, PRIMARY KEY ({table.key}))"
                )
                for index in table.indexes:
                    index_name = f"{table.name}_{'_'.join(index)}_idx"
                    cursor.execute(
                        f"CREATE INDEX IF NOT EXISTS {index_name} "
                        f"ON {self.qualified(table.name)} ({', '.join(index)})"
                    )

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        read_models: Sequence[Change] = kwargs.pop("read_models", None) or ()
        with joint_transaction(self) as cursor:
            notification_ids: Sequence[int] | None = super().insert_events(  # type: ignore[misc]
                stored_events, **kwargs
            )
            for change in read_models:
                self._apply(cursor, change)
        return notification_ids

    def _apply(self, cursor: Any, change: Change) -> None:
        table = self._table(change.table)
        if isinstance(change, Delete):
            cursor.execute(
                self.sql(f"DELETE FROM {self.qualified(table.name)} WHERE {table.key} = ?"),
                (change.key,),
            )
            return
        names = list(change.row)
        updates = ", ".join(f"{name} = excluded.{name}" for name in names if name != table.key)
        cursor.execute(
            self.sql(
                f"INSERT INTO {self.qualified(table.name)} ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)}) "
                f"ON CONFLICT ({table.key}) DO UPDATE SET {updates}"
            ),
            tuple(change.row[name] for name in names),
        )

    def _table(self, name: str) -> Table:
        for table in self.read_model_tables:
            if table.name == name:
                return table
        raise KeyError(f"no read model table {name}")

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a read-only query written with ``?`` and ``{table}`` placeholders."""
        names = {table.name: self.qualified(table.name) for table in self.read_model_tables}
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.sql(statement.format(**names)), tuple(params))
            rows = cursor.fetchall()
        return [dict(row) for row in rows]
