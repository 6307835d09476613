"""Hash chains over stored events: one per stream, and one running over the whole store.

Every stored event gets a *link*, written in the same transaction as the event:

- ``event_hash = sha256(prev_event_hash || originator_id || originator_version || topic
  || state)``, chained to the previous event of the same stream (aggregate);
- ``store_hash = sha256(prev_store_hash || notification_id || event_hash)``, chained to
  the previous event of the whole store in notification-id order.

Fields are length-prefixed (u32, big endian) and integers are signed 64-bit big endian,
so no two different events encode alike. A UUID originator id is hashed as its 32-char
lowercase hex, the form the SQLite store keeps, so both backends hash alike. The first
event of a stream, and of the store, chains from 32 zero bytes (``GENESIS``).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from hashlib import sha256
from typing import NamedTuple
from uuid import UUID

from eventsourcing.persistence import StoredEvent

GENESIS = bytes(32)

_U32 = struct.Struct(">I").pack
_VERSION_TOPIC = struct.Struct(">qI").pack
_NOTIFICATION_ID = struct.Struct(">q").pack


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
    oid = originator_id.encode()
    top = topic.encode()
    return sha256(
        b"".join(
            (
                prev_event_hash,
                _U32(len(oid)),
                oid,
                _VERSION_TOPIC(originator_version, len(top)),
                top,
                _U32(len(state)),
                state,
            )
        )
    ).digest()


def store_hash(prev_store_hash: bytes, notification_id: int, event_digest: bytes) -> bytes:
    return sha256(prev_store_hash + _NOTIFICATION_ID(notification_id) + event_digest).digest()


def first_versions(stored_events: Iterable[StoredEvent]) -> dict[str, int]:
    """Each stream in a batch and its lowest version: where its link must chain from."""
    firsts: dict[str, int] = {}
    for event in stored_events:
        key = originator_key(event.originator_id)
        version = firsts.get(key)
        if version is None or event.originator_version < version:
            firsts[key] = event.originator_version
    return firsts


def link_events(
    head: ChainHead,
    stream_heads: Mapping[str, bytes],
    stored_events: Sequence[StoredEvent],
    notification_ids: Sequence[int],
) -> list[Link]:
    """Links for a batch just inserted, given the store head and each stream's last hash.

    ``stream_heads`` holds, per originator, the event hash of its latest event before the
    batch (absent for a new stream). Events are linked in notification-id order.
    """
    streams = dict(stream_heads)
    running = head.store_hash
    links: list[Link] = []
    for nid, event in sorted(zip(notification_ids, stored_events, strict=True)):
        key = originator_key(event.originator_id)
        digest = event_hash(
            streams.get(key, GENESIS), key, event.originator_version, event.topic, event.state
        )
        running = store_hash(running, nid, digest)
        streams[key] = digest
        links.append(Link(nid, key, event.originator_version, digest, running))
    return links
