"""Verifying a chained store: every stream chain and the running store hash.

``verify_store`` walks the events joined with their links in notification-id order,
streamed in ``fetchmany`` pages from one snapshot, and stops at the first event that
fails a check:

- ``unlinked``: an event without a link: inserted behind the recorder's back;
- ``missing_event``: a link without its event: the event was removed (the link names it);
- ``link_mismatch``: the event at a notification id is not the one linked there: moved;
- ``event_hash``: the event's content, or its place in its stream, differs from what was
  chained: altered, or reordered within the stream;
- ``store_hash``: the running hash breaks: events before this one (after the last
  verified one) were removed, inserted or reordered, or their links rewritten;
- ``checkpoint``: the chain does not pass through a published (signed) head: the tail
  was truncated or rewritten. Only a checkpoint can show that.

Memory grows with the number of streams (one 32-byte hash each), never with events.
"""

from __future__ import annotations

from collections.abc import Iterator
from hashlib import sha256
from typing import Any, Literal

import msgspec

from adapters.store.chain import (
    EVENT_HEADER,
    GENESIS,
    NOTIFICATION_ID,
    ChainedStore,
    ChainHead,
    LinkRow,
    ScanRow,
)

Check = Literal[
    "unlinked", "missing_event", "link_mismatch", "event_hash", "store_hash", "checkpoint"
]

_NEVER = 2**63


class Failure(msgspec.Struct, frozen=True, kw_only=True):
    """The first event that failed a check, and the last one verified before it."""

    check: Check
    notification_id: int | None
    originator_id: str | None
    originator_version: int | None
    after_notification_id: int
    detail: str


class VerificationReport(msgspec.Struct, frozen=True, kw_only=True):
    events_verified: int
    head: ChainHead
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def chain_head(store: ChainedStore) -> ChainHead:
    """The store's last notification id and running hash, as recorded (not verified)."""
    return store.chain_head()


def verify_store(
    store: ChainedStore, *, checkpoint: ChainHead | None = None, page_size: int = 2_000
) -> VerificationReport:
    """Check every link of ``store`` (a chained recorder), optionally against a checkpoint."""
    with store.scan(page_size) as (rows, orphan):
        return _walk(rows, orphan, checkpoint)


def _walk(  # one tight loop: the audit replay's hot path
    rows: Iterator[ScanRow], orphan: LinkRow | None, checkpoint: ChainHead | None
) -> VerificationReport:
    orphan_at = orphan[0] if orphan else _NEVER
    check_at = checkpoint.notification_id if checkpoint else -1
    checkpoint_seen = checkpoint is None
    streams: dict[str, bytes] = {}
    running, last_nid, before_nid, verified = GENESIS, 0, 0, 0
    # The running hash before the last verified event, to recognise a forged insertion.
    before_last, last_event = GENESIS, ("", 0)
    failure: Failure | None = None
    for row in rows:
        nid, oid, version, topic, state, link_oid, link_version, linked, stored = row
        if nid > orphan_at:
            break
        if linked is None or stored is None:
            failure = _fail("unlinked", row, last_nid, "the event has no link")
            break
        if oid != link_oid or version != link_version:
            detail = f"{link_oid} v{link_version} was linked at {nid}"
            failure = _fail("link_mismatch", row, last_nid, detail)
            break
        # chain.event_hash, inlined.
        oid_b, topic_b = oid.encode(), topic.encode()
        header = EVENT_HEADER(len(oid_b), version, len(topic_b), len(state))
        digest = sha256(streams.get(oid, GENESIS) + header + oid_b + topic_b + state).digest()
        if digest != linked:
            failure = _fail("event_hash", row, last_nid, "content or stream order changed")
            break
        nid_b = NOTIFICATION_ID(nid)
        next_running = sha256(running + nid_b + digest).digest()
        if next_running != stored:
            last = (last_nid, *last_event, before_nid, before_last)
            failure = _store_break(row, digest, last, stored)
            break
        streams[oid] = digest
        before_last, running, before_nid, last_nid = running, next_running, last_nid, nid
        last_event = (oid, version)
        verified += 1
        if nid == check_at:
            checkpoint_seen = True
            if checkpoint is not None and running != checkpoint.store_hash:
                failure = _fail("checkpoint", row, before_nid, "differs from the checkpoint")
                break
    if failure is None and orphan is not None:
        failure = _fail("missing_event", orphan, last_nid, "the linked event is gone")
    if failure is None and not checkpoint_seen:
        failure = Failure(
            check="checkpoint",
            notification_id=check_at,
            originator_id=None,
            originator_version=None,
            after_notification_id=last_nid,
            detail=f"the chain no longer reaches checkpoint {check_at}: events were removed",
        )
    return VerificationReport(
        events_verified=verified, head=ChainHead(last_nid, running), failure=failure
    )


def _store_break(
    row: ScanRow, digest: bytes, after: tuple[int, str, int, int, bytes], stored: bytes
) -> Failure:
    """Name the event where the running hash breaks, or the forged one just before it.

    ``after`` is the last verified event (notification id, originator, version), and the
    notification id and running hash before it. A link forged for an inserted event
    chains correctly itself; the next event's stored hash then still chains from the
    hash before the forgery.
    """
    last_nid, last_oid, last_version, before_nid, before_last = after
    if last_nid and sha256(before_last + NOTIFICATION_ID(row[0]) + digest).digest() == stored:
        detail = f"inserted: the store chain at {row[0]} skips it"
        return _fail("store_hash", (last_nid, last_oid, last_version), before_nid, detail)
    detail = f"the store chain breaks between {last_nid} and {row[0]}"
    return _fail("store_hash", row, last_nid, detail)


def _fail(check: Check, row: tuple[Any, ...], after: int, detail: str) -> Failure:
    return Failure(
        check=check,
        notification_id=row[0],
        originator_id=row[1],
        originator_version=row[2],
        after_notification_id=after,
        detail=detail,
    )
