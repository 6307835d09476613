"""Hash chains over stored events: one per stream, and one running over the whole store.

Every stored event gets a *link*, written in the same transaction as the event:

- ``event_hash = sha256(prev_event_hash || originator_id || originator_version || topic
  || state)``, chained to the previous event of the same stream (aggregate);
- ``store_hash = sha256(prev_store_hash || notification_id || event_hash)``, chained to
  the previous event of the whole store in notification-id order.

Exactly: ``event_hash = sha256(prev || header || originator_id || topic || state)`` with
``header = struct.pack(">IqII", len(originator_id), originator_version, len(topic),
len(state))`` (UTF-8 lengths), and ``store_hash = sha256(prev || struct.pack(">q",
notification_id) || event_hash)``; the lengths make the encoding unambiguous. A UUID
originator id is hashed as its 32-char lowercase hex, the form the SQLite store keeps, so
both backends hash alike. The first event of a stream, and of the store, chains from
32 zero bytes (``GENESIS``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from hashlib import sha256
from operator import itemgetter
from typing import Any, Literal, NamedTuple, Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent

GENESIS = bytes(32)

EVENT_HEADER = struct.Struct(">IqII").pack
NOTIFICATION_ID = struct.Struct(">q").pack
_first = itemgetter(0)


class ChainHead(NamedTuple):
    """The last notification id of a store and the running hash up to and including it."""

    notification_id: int
    store_hash: bytes


EMPTY_HEAD = ChainHead(0, GENESIS)


class Link(NamedTuple):
    """The chain row of one stored event (a row of the ``<events table>_chain`` table)."""

    notification_id: int
    originator_id: str
    originator_version: int
    event_hash: bytes
    store_hash: bytes


def originator_key(originator_id: UUID | str) -> str:
    """The originator id as hashed and kept in the chain table."""
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id


def event_hash(
    prev_event_hash: bytes, originator_id: str, originator_version: int, topic: str, state: bytes
) -> bytes:
    oid, top = originator_id.encode(), topic.encode()
    header = EVENT_HEADER(len(oid), originator_version, len(top), len(state))
    return sha256(prev_event_hash + header + oid + top + state).digest()


def store_hash(prev_store_hash: bytes, notification_id: int, event_digest: bytes) -> bytes:
    return sha256(prev_store_hash + NOTIFICATION_ID(notification_id) + event_digest).digest()


def stream_keys(stored_events: Iterable[StoredEvent]) -> list[str]:
    """The distinct streams of a batch, whose previous links the batch chains from."""
    return list(dict.fromkeys(originator_key(event.originator_id) for event in stored_events))


def link_events(
    head: ChainHead,
    stream_heads: Mapping[str, bytes],
    stored_events: Sequence[StoredEvent],
    notification_ids: Sequence[int],
) -> list[Link]:
    """Links for a batch just inserted, given the store head and each stream's last hash.

    ``stream_heads`` holds, per originator, the event hash of its last event recorded
    before the batch (absent for a new stream). A stream chains in the order its events
    were recorded (notification id), which for an aggregate is its version order.
    """
    streams = dict(stream_heads)
    running = head.store_hash
    links: list[Link] = []
    for nid, event in sorted(zip(notification_ids, stored_events, strict=True), key=_first):
        key = originator_key(event.originator_id)
        digest = event_hash(
            streams.get(key, GENESIS), key, event.originator_version, event.topic, event.state
        )
        running = store_hash(running, nid, digest)
        streams[key] = digest
        links.append(Link(nid, key, event.originator_version, digest, running))
    return links


ScanRow = tuple[int, str, int, str, bytes, str | None, int | None, bytes | None, bytes | None]
"""An event joined with its link: ``(notification_id, originator key, originator_version,
topic, state, link's originator key, link's version, event_hash, store_hash)``; the link's
fields are ``None`` where the event has none."""

LinkRow = tuple[int, str, int, bytes, bytes]
"""A ``Link`` as a plain row, as scans return it."""


class ChainedStore(Protocol):
    """What a chained recorder offers the verifier."""

    def chain_head(self) -> ChainHead:
        """The last link's notification id and store hash (``EMPTY_HEAD`` if none)."""
        ...

    def scan(
        self, page_size: int
    ) -> AbstractContextManager[tuple[Iterator[ScanRow], LinkRow | None]]:
        """From one consistent snapshot: every event joined with its link, in notification-id
        order, and the first link whose event is gone (``None`` if every link has one)."""
        ...


def paged(cursor: Any, page_size: int) -> Iterator[Any]:
    """Rows of an executed DB-API cursor, fetched ``page_size`` at a time."""
    while rows := cursor.fetchmany(page_size):
        yield from rows


def chained_recorder_env(kind: Literal["sqlite", "postgres"]) -> dict[str, str]:
    """The eventsourcing env keys that make an Application record through a chain.

    Added to an env whose ``PERSISTENCE_MODULE`` is ``eventsourcing.sqlite`` or
    ``eventsourcing.postgres``; ``factory.process_recorder()`` and
    ``factory.application_recorder()`` then build the chained recorders.
    """
    module, prefix = {
        "sqlite": ("adapters.store.chained_sqlite", "ChainedSQLite"),
        "postgres": ("adapters.store.chained_postgres", "ChainedPostgres"),
    }[kind]
    return {
        "APPLICATION_RECORDER_TOPIC": f"{module}:{prefix}ApplicationRecorder",
        "PROCESS_RECORDER_TOPIC": f"{module}:{prefix}ProcessRecorder",
    }
