"""A lease the broker holds: at most one holder of a named singleton job at a time.

The lease is one key in a JetStream KV bucket whose entries expire after ``ttl``
(ADR "one owner per background job"). Taking it is create-if-absent; keeping it is an
update on the revision last written, every ``ttl / 3``. A holder that dies stops
renewing and the key expires: another replica takes the job after at most ``ttl``.

Fencing is by time. The server expires an entry ``ttl`` after it stored it, which is
after the holder sent the write; the holder counts its validity from *before* it sent
the write and gives the job up ``FENCE_MARGIN`` earlier. So a holder that cannot renew
(partitioned, stalled, outvoted) has stopped its job before the entry can expire and
another replica can take it.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from typing import Final

import structlog
from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

log = structlog.get_logger(__name__)

LEASE_BUCKET: Final = "samlad_leases"
# Of the ttl, what the holder keeps in hand to stop its job before the entry expires.
FENCE_MARGIN: Final = 0.25


def lease_key(service: str, job: str) -> str:
    """Keys live under the service's name: its credentials may touch only those."""
    return f"{service}.{job}"


def lease_subjects(service: str) -> tuple[str, ...]:
    """What ``service`` publishes to take, renew, read and release its own leases."""
    stream = f"KV_{LEASE_BUCKET}"
    keys = f"$KV.{LEASE_BUCKET}.{service}.>"
    return (keys, f"$JS.API.DIRECT.GET.{stream}.{keys}")


def lease_bucket(js: JetStreamContext) -> KeyValue:
    """The provisioned bucket, bound without STREAM.INFO (services may not ask for it)."""
    return KeyValue(
        name=LEASE_BUCKET, stream=f"KV_{LEASE_BUCKET}", pre=f"$KV.{LEASE_BUCKET}.",
        js=js, direct=True,
    )


class Lease:
    """One replica's claim on one job: ``await lease.acquire()``, ``renew()``, ``release()``.

    ``valid_until`` (monotonic seconds) is when the holder must have stopped the job
    unless a renewal succeeded in the meantime.
    """

    def __init__(self, js: JetStreamContext, key: str, *, ttl: float) -> None:
        self._kv = lease_bucket(js)
        self.key = key
        self.ttl = ttl
        # Unique per claim (a renewal whose ack was lost is recognised as our own write);
        # host and pid tell an operator which process runs the job.
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4()}".encode()
        self._revision = 0
        self.valid_until = 0.0

    @property
    def renew_every(self) -> float:
        return self.ttl / 3

    @property
    def held(self) -> bool:
        return self._revision > 0 and time.monotonic() < self.valid_until

    def _validity_from(self, sent_at: float) -> float:
        return sent_at + self.ttl * (1 - FENCE_MARGIN)

    async def acquire(self) -> bool:
        """Take the lease if no one holds it; False if someone does."""
        sent_at = time.monotonic()
        try:
            self._revision = await self._kv.create(self.key, self.holder)
        except (KeyWrongLastSequenceError, KeyNotFoundError):
            # Held by another; or it expired between nats-py's two steps: try later.
            return False
        self.valid_until = self._validity_from(sent_at)
        log.info("lease_acquired", key=self.key, ttl=self.ttl)
        return True

    async def renew(self) -> bool:
        """Extend the lease; False if it was lost (another holder, or it expired)."""
        sent_at = time.monotonic()
        try:
            self._revision = await self._kv.update(self.key, self.holder, last=self._revision)
        except KeyWrongLastSequenceError:
            if not await self._still_ours():
                self._lost("taken")
                return False
        self.valid_until = self._validity_from(sent_at)
        return True

    async def _still_ours(self) -> bool:
        # A renewal that timed out may have been stored: the key then holds our token.
        try:
            entry = await self._kv.get(self.key)
        except KeyNotFoundError:
            return False
        if entry.value != self.holder:
            return False
        self._revision = entry.revision or 0
        return True

    def _lost(self, why: str) -> None:
        log.warning("lease_lost", key=self.key, why=why)
        self._revision = 0
        self.valid_until = 0.0

    async def release(self) -> None:
        """Hand the job on at once (a clean stop), rather than after the ttl."""
        if self._revision == 0:
            return
        revision, self._revision = self._revision, 0
        self.valid_until = 0.0
        try:
            await self._kv.delete(self.key, last=revision)
            log.info("lease_released", key=self.key)
        except (NatsError, KeyWrongLastSequenceError, TimeoutError) as error:
            # Expiry hands it on instead, after the ttl.
            log.info("lease_release_skipped", key=self.key, error=type(error).__name__)
