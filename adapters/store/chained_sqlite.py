"""SQLite recorders that link every stored event into the hash chains (see ``chain``).

Links go to a side table ``<events table>_chain`` in the transaction that inserts the
events, after them: eventsourcing's public ``insert_events`` writes inside a joint
transaction (``adapters.store.joinable``), whose first INSERT takes SQLite's single write
lock, so the store head read next is the latest and stays so until commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteProcessRecorder,
)

from adapters.store.chain import (
    EMPTY_HEAD,
    ChainHead,
    LinkRow,
    ScanRow,
    link_events,
    paged,
    stream_keys,
)
from adapters.store.joinable import joinable


class SQLiteChain(SQLiteApplicationRecorder):
    """Mixin: put before an eventsourcing SQLite application or process recorder."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.joinable = joinable(datastore)

    @property
    def chain_table_name(self) -> str:
        return f"{self.events_table_name}_chain"

    def construct_create_table_statements(self) -> list[str]:
        chain = self.chain_table_name
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {chain} ("
            "notification_id INTEGER PRIMARY KEY, "
            "originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, "
            "event_hash BLOB NOT NULL, "
            "store_hash BLOB NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {chain}_stream_idx "
            f"ON {chain} (originator_id, notification_id)",
        ]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self.joinable.joint_transaction() as c:
            notification_ids = super().insert_events(stored_events, **kwargs)
            if stored_events and notification_ids:
                self._insert_links(c, stored_events, notification_ids)
        return notification_ids

    def _insert_links(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], notification_ids: Sequence[int]
    ) -> None:
        chain = self.chain_table_name
        head = self._chain_head(c)
        first = min(notification_ids)
        stream_heads: dict[str, bytes] = {}
        for key in stream_keys(stored_events):
            c.execute(
                f"SELECT event_hash FROM {chain} WHERE originator_id = ? "
                "AND notification_id < ? ORDER BY notification_id DESC LIMIT 1",
                (key, first),
            )
            row = c.fetchone()
            if row is not None:
                stream_heads[key] = row[0]
        links = link_events(head, stream_heads, stored_events, notification_ids)
        c.executemany(f"INSERT INTO {chain} VALUES (?, ?, ?, ?, ?)", links)

    def _chain_head(self, c: SQLiteCursor) -> ChainHead:
        c.execute(
            f"SELECT notification_id, store_hash FROM {self.chain_table_name} "
            "ORDER BY notification_id DESC LIMIT 1"
        )
        row = c.fetchone()
        return EMPTY_HEAD if row is None else ChainHead(row[0], row[1])

    def chain_head(self) -> ChainHead:
        with self.datastore.transaction(commit=False) as c:
            return self._chain_head(c)

    @contextmanager
    def scan(self, page_size: int) -> Iterator[tuple[Iterator[ScanRow], LinkRow | None]]:
        """Events joined with their links, and the first orphan link, in one snapshot."""
        events, chain = self.events_table_name, self.chain_table_name
        with self.datastore.transaction(commit=False) as c:
            cursor = c.sqlite_cursor.connection.cursor()
            cursor.row_factory = None
            try:
                cursor.execute(
                    f"SELECT l.* FROM {chain} l WHERE NOT EXISTS (SELECT 1 FROM {events} e "
                    "WHERE e.rowid = l.notification_id) ORDER BY l.notification_id LIMIT 1"
                )
                orphan = cursor.fetchone()
                cursor.execute(
                    "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, "
                    "l.originator_id, l.originator_version, l.event_hash, l.store_hash "
                    f"FROM {events} e LEFT JOIN {chain} l ON l.notification_id = e.rowid "
                    "ORDER BY e.rowid"
                )
                yield paged(cursor, page_size), orphan
            finally:
                cursor.close()


class ChainedSQLiteApplicationRecorder(SQLiteChain, SQLiteApplicationRecorder):
    """``APPLICATION_RECORDER_TOPIC`` for a chained SQLite store."""


class ChainedSQLiteProcessRecorder(SQLiteChain, SQLiteProcessRecorder):
    """``PROCESS_RECORDER_TOPIC`` for a chained SQLite store (what Samlad's apps use)."""
