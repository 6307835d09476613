"""Tampering with a chained store by raw SQL is detected at the exact event.

Every test builds the same store on SQLite and on PostgreSQL: two streams, A (versions
1-4) and B (1-3), written in six transactions, so notification ids are

    1:A1  2:B1  3:A2  4:A3  5:B2  6:A4  7:B3
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.sqlite import SQLiteDatastore

from adapters.store.chain import ChainHead, event_hash, store_hash
from adapters.store.chained_postgres import ChainedPostgresProcessRecorder
from adapters.store.chained_sqlite import ChainedSQLiteProcessRecorder
from adapters.store.verify import Failure, chain_head, verify_store
from tests.integration.store.store_chain_support import (
    create_schema,
    drop_schema,
    postgres_datastore,
    postgres_url,
)


@dataclass
class Store:
    recorder: ChainedSQLiteProcessRecorder | ChainedPostgresProcessRecorder
    a: UUID
    b: UUID
    tamper_sql: Any  # (statement with {events}, {chain}, {nid} and ?) -> None

    def tamper(self, statement: str, *params: Any) -> None:
        self.tamper_sql(statement, params)

    def failure(self, checkpoint: ChainHead | None = None) -> Failure:
        report = verify_store(self.recorder, checkpoint=checkpoint)
        assert report.failure is not None, "tampering went unnoticed"
        return report.failure


def _write_history(recorder: Any) -> tuple[UUID, UUID]:
    a, b = uuid4(), uuid4()
    for batch in ([(a, 1)], [(b, 1)], [(a, 2), (a, 3)], [(b, 2)], [(a, 4)], [(b, 3)]):
        recorder.insert_events(
            [
                StoredEvent(oid, version, "samlad.test:Happened", b"state %d" % version)
                for oid, version in batch
            ]
        )
    return a, b


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "tampered.sqlite"
    recorder = ChainedSQLiteProcessRecorder(SQLiteDatastore(str(path)))
    recorder.create_table()
    a, b = _write_history(recorder)

    def tamper_sql(statement: str, params: tuple[Any, ...]) -> None:
        sql = statement.format(events="stored_events", chain="stored_events_chain", nid="rowid")
        with sqlite3.connect(path) as conn:
            conn.execute(sql.replace("{link_nid}", "notification_id"), params)

    yield Store(recorder, a, b, tamper_sql)
    recorder.datastore.close()


@pytest.fixture
def postgres_store() -> Iterator[Store]:
    url = postgres_url()
    schema = create_schema(url)
    datastore = postgres_datastore(url, schema)
    try:
        recorder = ChainedPostgresProcessRecorder(datastore)
        recorder.create_table()
        a, b = _write_history(recorder)

        def tamper_sql(statement: str, params: tuple[Any, ...]) -> None:
            sql = statement.format(
                events=f'"{schema}".stored_events',
                chain=f'"{schema}".stored_events_chain',
                nid="notification_id",
            )
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(sql.replace("?", "%s"), params)

        yield Store(recorder, a, b, tamper_sql)
    finally:
        datastore.close()
        drop_schema(url, schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    store: Store = request.getfixturevalue(f"{request.param}_store")
    return store


def _at(failure: Failure) -> tuple[str, int | None, str | None, int | None, int]:
    return (
        failure.check,
        failure.notification_id,
        failure.originator_id,
        failure.originator_version,
        failure.after_notification_id,
    )


def test_an_untouched_store_verifies(store: Store) -> None:
    report = verify_store(store.recorder, checkpoint=chain_head(store.recorder))
    assert report.ok
    assert report.events_verified == 7
    assert report.head == chain_head(store.recorder)


def test_a_changed_state_is_found_at_its_event(store: Store) -> None:
    store.tamper("UPDATE {events} SET state = ? WHERE {nid} = 4", b"state 99")
    assert _at(store.failure()) == ("event_hash", 4, store.a.hex, 3, 3)


def test_a_changed_topic_is_found_at_its_event(store: Store) -> None:
    store.tamper("UPDATE {events} SET topic = 'samlad.test:Forged' WHERE {nid} = 5")
    assert _at(store.failure()) == ("event_hash", 5, store.b.hex, 2, 4)


def test_a_deleted_event_is_named_by_its_link(store: Store) -> None:
    store.tamper("DELETE FROM {events} WHERE {nid} = 4")
    assert _at(store.failure()) == ("missing_event", 4, store.a.hex, 3, 3)


def test_a_deleted_event_and_link_break_the_store_chain_right_after(store: Store) -> None:
    store.tamper("DELETE FROM {events} WHERE {nid} = 4")
    store.tamper("DELETE FROM {chain} WHERE notification_id = 4")
    assert _at(store.failure()) == ("store_hash", 5, store.b.hex, 2, 3)


def test_a_deleted_tail_is_found_against_a_checkpoint(store: Store) -> None:
    checkpoint = chain_head(store.recorder)
    store.tamper("DELETE FROM {events} WHERE {nid} = 7")
    store.tamper("DELETE FROM {chain} WHERE notification_id = 7")
    assert verify_store(store.recorder).ok  # without a checkpoint a truncation is silent
    assert _at(store.failure(checkpoint)) == ("checkpoint", 7, None, None, 6)


def test_an_inserted_event_without_a_link_is_found(store: Store) -> None:
    store.tamper(
        "INSERT INTO {events} (originator_id, originator_version, topic, state, {nid}) "
        "VALUES (?, 5, 'samlad.test:Happened', ?, 8)",
        store.a.hex,
        b"state 5",
    )
    assert _at(store.failure()) == ("unlinked", 8, store.a.hex, 5, 7)


def test_an_inserted_event_with_a_forged_link_is_named(store: Store) -> None:
    # Make room at 5 by moving B2.. up, then forge A5 at 5 chained from the head at 4.
    store.tamper("UPDATE {events} SET {nid} = {nid} + 100 WHERE {nid} >= 5")
    store.tamper(
        "UPDATE {chain} SET notification_id = notification_id + 100 WHERE notification_id >= 5"
    )
    links = dict(_links(store))
    forged = event_hash(links[4][0], store.a.hex, 5, "samlad.test:Happened", b"forged")
    store.tamper(
        "INSERT INTO {events} (originator_id, originator_version, topic, state, {nid}) "
        "VALUES (?, 5, 'samlad.test:Happened', ?, 5)",
        store.a.hex,
        b"forged",
    )
    store.tamper(
        "INSERT INTO {chain} VALUES (5, ?, 5, ?, ?)",
        store.a.hex,
        forged,
        store_hash(links[4][1], 5, forged),
    )
    # The moved B2 still chains from 4 at its old id, so the chain breaks right there.
    assert _at(store.failure()) == ("store_hash", 105, store.b.hex, 2, 5)


def test_swapped_events_are_found_at_the_first(store: Store) -> None:
    _swap(store, "{events}", "{nid}", 3, 5)
    assert _at(store.failure()) == ("link_mismatch", 3, store.b.hex, 2, 2)


def test_swapped_events_and_links_are_found_at_the_first(store: Store) -> None:
    _swap(store, "{events}", "{nid}", 3, 5)
    _swap(store, "{chain}", "notification_id", 3, 5)
    assert _at(store.failure()) == ("store_hash", 3, store.b.hex, 2, 2)


def test_a_stream_reordered_with_its_links_is_found(store: Store) -> None:
    # A2 and A3 trade places, links and all: A3 no longer follows A2.
    _swap(store, "{events}", "{nid}", 3, 4)
    _swap(store, "{chain}", "notification_id", 3, 4)
    assert _at(store.failure()) == ("event_hash", 3, store.a.hex, 3, 2)


def _swap(store: Store, table: str, column: str, first: int, second: int) -> None:
    statement = f"UPDATE {table} SET {column} = ? WHERE {column} = ?"
    store.tamper(statement, -1, first)
    store.tamper(statement, first, second)
    store.tamper(statement, second, -1)


def _links(store: Store) -> Iterator[tuple[int, tuple[bytes, bytes]]]:
    with store.recorder.scan(100) as (rows, _):
        for row in rows:
            assert row[7] is not None and row[8] is not None
            yield row[0], (row[7], row[8])


@pytest.mark.postgres
def test_a_forged_event_in_a_sequence_gap_is_named(postgres_store: Store) -> None:
    store, recorder = postgres_store, postgres_store.recorder
    with pytest.raises(IntegrityError):  # a conflicting write still consumes id 8
        recorder.insert_events([StoredEvent(store.a, 1, "samlad.test:Happened", b"again")])
    c = uuid4()
    recorder.insert_events([StoredEvent(c, 1, "samlad.test:Happened", b"state 1")])
    head = chain_head(recorder)
    assert head.notification_id == 9
    links = dict(_links(store))
    forged = event_hash(links[6][0], store.a.hex, 5, "samlad.test:Happened", b"forged")
    store.tamper(
        "INSERT INTO {events} (originator_id, originator_version, topic, state, {nid}) "
        "VALUES (?, 5, 'samlad.test:Happened', ?, 8)",
        store.a.hex,
        b"forged",
    )
    store.tamper(
        "INSERT INTO {chain} VALUES (8, ?, 5, ?, ?)",
        store.a.hex,
        forged,
        store_hash(links[7][1], 8, forged),
    )
    failure = store.failure()
    assert _at(failure) == ("store_hash", 8, store.a.hex, 5, 7)
    assert failure.detail.startswith("inserted")
