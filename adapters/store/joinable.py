"""One write transaction that eventsourcing's own writes join (a joint transaction).

The hash chain, the read models and a relay's two positions must commit with the events
or tracking rows eventsourcing writes. eventsourcing's public ``insert_events`` and
``insert_tracking`` each open their transaction through the datastore (``transaction``
on SQLite, ``get_connection`` on PostgreSQL); while a :func:`joint_transaction` is open in
a thread, these datastores hand that thread the joint transaction's cursor (SQLite) or
connection (PostgreSQL), so the public methods write inside it and nothing commits before
it does.

This is Samlad's one extension of eventsourcing's persistence (ADR 0013): the datastore
classes are made joinable in place, pinned by tests/integration/store/test_eventsourcing_seams.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast, overload

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore
from psycopg import Connection, Cursor
from psycopg.rows import DictRow


class JoinableSQLiteDatastore(SQLiteDatastore):
    """SQLite: every ``transaction()`` in the thread of an open joint one yields its cursor."""

    joined: threading.local

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        cursor: SQLiteCursor | None = getattr(self.joined, "cursor", None)
        if cursor is not None:
            yield cursor
            return
        with super().transaction(commit=commit) as cursor:
            yield cursor

    @contextmanager
    def joint_transaction(self) -> Iterator[SQLiteCursor]:
        """A write transaction, committed at the end, that the thread's writes join."""
        cursor: SQLiteCursor | None = getattr(self.joined, "cursor", None)
        if cursor is not None:
            yield cursor
            return
        with super().transaction(commit=True) as cursor:
            self.joined.cursor = cursor
            try:
                yield cursor
            finally:
                self.joined.cursor = None


class JoinedConnection:
    """The joint transaction's connection, as a write inside it sees it.

    Its ``transaction()`` opens nothing: the joint transaction is the one. A savepoint
    would not do: eventsourcing's ``insert_events`` catches an INSERT's error inside its
    ``conn.transaction()`` block (to leave psycopg's pipeline cleanly) and raises it after
    the block, which ends as if it succeeded; at top level that COMMIT of a failed
    transaction rolls back, but a savepoint's RELEASE fails with ``InFailedSqlTransaction``
    and hides the ``IntegrityError`` a caller expects.
    """

    def __init__(self, connection: Connection[DictRow]) -> None:
        self.connection = connection

    @contextmanager
    def transaction(self, *_: Any, **__: Any) -> Iterator[None]:
        yield

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)


class JoinablePostgresDatastore(PostgresDatastore):
    """PostgreSQL: every ``get_connection()`` in the thread of an open joint transaction
    yields its connection (as a :class:`JoinedConnection`)."""

    joined: threading.local

    @contextmanager
    def get_connection(self) -> Iterator[Connection[DictRow]]:
        connection: Connection[DictRow] | None = getattr(self.joined, "connection", None)
        if connection is not None:
            yield cast("Connection[DictRow]", JoinedConnection(connection))
            return
        with super().get_connection() as connection:
            yield connection

    @contextmanager
    def joint_transaction(self) -> Iterator[Cursor[DictRow]]:
        """A write transaction, committed at the end, that the thread's writes join.

        Errors inside reach the caller as eventsourcing's persistence errors (the outer
        ``get_connection`` translates psycopg's), as from eventsourcing's own methods.
        """
        connection: Connection[DictRow] | None = getattr(self.joined, "connection", None)
        if connection is not None:
            yield connection.cursor()
            return
        with super().get_connection() as connection, connection.transaction():
            self.joined.connection = connection
            try:
                yield connection.cursor()
            finally:
                self.joined.connection = None


JoinableDatastore = JoinableSQLiteDatastore | JoinablePostgresDatastore


@overload
def joinable(datastore: SQLiteDatastore) -> JoinableSQLiteDatastore: ...
@overload
def joinable(datastore: PostgresDatastore) -> JoinablePostgresDatastore: ...
@overload
def joinable(datastore: object) -> JoinableDatastore: ...
def joinable(datastore: object) -> JoinableDatastore:
    """``datastore`` (the one eventsourcing's factory made), now joinable, as it is.

    The factory builds its datastore inside ``__init__`` with no class to override, and
    its recorders share it; so the class of that one object is changed in place, to a
    subclass that only adds the joint transaction (no copy: a second pool would not be
    the same transaction, and a copy's ``__del__`` would close the shared pool).
    """
    if isinstance(datastore, JoinableSQLiteDatastore | JoinablePostgresDatastore):
        return datastore
    if isinstance(datastore, SQLiteDatastore):
        datastore.__class__ = JoinableSQLiteDatastore
    elif isinstance(datastore, PostgresDatastore):
        datastore.__class__ = JoinablePostgresDatastore
    else:
        msg = f"no joint transactions on {type(datastore).__name__}"
        raise TypeError(msg)
    adopted = cast("JoinableDatastore", datastore)
    adopted.joined = threading.local()
    return adopted


@contextmanager
def joint_transaction(recorder: Any) -> Iterator[Any]:
    """The joint transaction of ``recorder``'s datastore (SQLite or PostgreSQL)."""
    with joinable(recorder.datastore).joint_transaction() as cursor:
        yield cursor
