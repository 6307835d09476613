"""PostgreSQL recorders that link every stored event into the hash chains (see ``chain``).

Links go to a side table ``<events table>_chain`` in the transaction that inserts the
events, right after eventsourcing's public ``insert_events`` returns their notification
ids inside a joint transaction (``adapters.store.joinable``). eventsourcing takes
``LOCK TABLE <events> IN EXCLUSIVE MODE`` before that INSERT (in a savepoint of the joint
transaction; the lock is held to its commit), so inserting transactions are serialised
and commit in notification-id order; under READ COMMITTED (the pool's default) the chain
head read after the lock is the latest committed one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresProcessRecorder,
)
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composable, Identifier

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


class PostgresChain(PostgresApplicationRecorder):
    """Mixin: put before an eventsourcing PostgreSQL application or process recorder."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.joinable = joinable(datastore)
        if datastore.enable_db_functions:
            # The insert function bypasses the hooks the links are written from.
            msg = "chained recorders do not support POSTGRES_ENABLE_DB_FUNCTIONS"
            raise ProgrammingError(msg)
        self.chain_table_name = f"{self.events_table_name}_chain"
        self.check_identifier_length(self.chain_table_name)
        schema = Identifier(datastore.schema)
        chain = Identifier(self.chain_table_name)
        self.sql_create_statements += [
            SQL(
                "CREATE TABLE IF NOT EXISTS {}.{} ("
                "notification_id bigint PRIMARY KEY, "
                "originator_id text NOT NULL, "
                "originator_version bigint NOT NULL, "
                "event_hash bytea NOT NULL, "
                "store_hash bytea NOT NULL)"
            ).format(schema, chain),
            SQL("CREATE INDEX IF NOT EXISTS {} ON {}.{} (originator_id, notification_id)").format(
                Identifier(f"{self.chain_table_name}_stream_idx"[:63]), schema, chain
            ),
        ]
        self._select_head = SQL(
            "SELECT notification_id, store_hash FROM {}.{} ORDER BY notification_id DESC LIMIT 1"
        ).format(schema, chain)
        self._select_stream_heads = SQL(
            "SELECT (SELECT c.event_hash FROM {}.{} c WHERE c.originator_id = s.key "
            "AND c.notification_id < %s ORDER BY c.notification_id DESC LIMIT 1) AS event_hash, "
            "s.key FROM unnest(%s::text[]) AS s(key)"
        ).format(schema, chain)
        self._insert_links_statement = SQL(
            "INSERT INTO {}.{} SELECT * FROM "
            "unnest(%s::bigint[], %s::text[], %s::bigint[], %s::bytea[], %s::bytea[])"
        ).format(schema, chain)
        originator: Composable = (
            SQL("replace(e.originator_id::text, '-', '')")
            if datastore.originator_id_type == "uuid"
            else SQL("e.originator_id")
        )
        events = Identifier(self.events_table_name)
        self._scan_orphan = SQL(
            "SELECT l.* FROM {0}.{1} l WHERE NOT EXISTS (SELECT 1 FROM {0}.{2} e "
            "WHERE e.notification_id = l.notification_id) ORDER BY l.notification_id LIMIT 1"
        ).format(schema, chain, events)
        self._scan = SQL(
            "SELECT e.notification_id, {3}, e.originator_version, e.topic, e.state, "
            "l.originator_id, l.originator_version, l.event_hash, l.store_hash "
            "FROM {0}.{2} e LEFT JOIN {0}.{1} l ON l.notification_id = e.notification_id "
            "ORDER BY e.notification_id"
        ).format(schema, chain, events, originator)

    # As eventsourcing's own ``insert_events``: a dropped connection is retried, now
    # around the whole joint transaction.
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self.joinable.joint_transaction() as curs:
            notification_ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            if stored_events and notification_ids:
                self._insert_links(curs, stored_events, notification_ids)
        return notification_ids

    def _insert_links(
        self,
        curs: Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        notification_ids: Sequence[int],
    ) -> None:
        head = self._chain_head(curs)
        curs.execute(self._select_stream_heads, (min(notification_ids), stream_keys(stored_events)))
        stream_heads = {
            row["key"]: row["event_hash"] for row in curs.fetchall() if row["event_hash"]
        }
        links = link_events(head, stream_heads, stored_events, notification_ids)
        columns = [list(column) for column in zip(*links, strict=True)]
        curs.execute(self._insert_links_statement, columns)

    def _chain_head(self, curs: Cursor[Any]) -> ChainHead:
        row = curs.execute(self._select_head).fetchone()
        if row is None:
            return EMPTY_HEAD
        return ChainHead(row["notification_id"], bytes(row["store_hash"]))

    def chain_head(self) -> ChainHead:
        with self.datastore.transaction(commit=False) as curs:
            return self._chain_head(curs)

    @contextmanager
    def scan(self, page_size: int) -> Iterator[tuple[Iterator[ScanRow], LinkRow | None]]:
        """Events joined with their links, and the first orphan link, in one snapshot."""
        with self.datastore.get_connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with conn.cursor(binary=True, row_factory=tuple_row) as cursor:
                orphan = cursor.execute(self._scan_orphan).fetchone()
            with conn.cursor("samlad_chain_scan", binary=True, row_factory=tuple_row) as rows:
                rows.execute(self._scan)
                yield paged(rows, page_size), orphan


class ChainedPostgresApplicationRecorder(PostgresChain, PostgresApplicationRecorder):
    """``APPLICATION_RECORDER_TOPIC`` for a chained PostgreSQL store."""


class ChainedPostgresProcessRecorder(PostgresChain, PostgresProcessRecorder):
    """``PROCESS_RECORDER_TOPIC`` for a chained PostgreSQL store (what Samlad's apps use)."""
