"""Faults the reliability tests inject into real parts: failing commits, abandoned fetches.

``FlakyCommits`` is a coordination recorder (SQLite) that fails chosen commits the way a
locked database does; a test plugs it in with ``PROCESS_RECORDER_TOPIC`` and says which
commits fail through ``FlakyCommits.plan``. ``abandon_one`` fetches a message from a
durable consumer as a process would that then dies: it never acks.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import StoredEvent
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError

from adapters.nats.names import EVENTS_STREAM
from adapters.store.joinable import joint_transaction
from services.coordination.recorders import CoordinationSQLiteRecorder


class CommitPlan:
    """Fail the commits numbered ``first`` .. ``first + times - 1`` (1-based).

    ``tracked_only`` counts only commits that carry a consumer position.
    """

    def __init__(self, first: int, times: int, *, tracked_only: bool = True) -> None:
        self.first = first
        self.times = times
        self.tracked_only = tracked_only
        self.commits = 0
        self.failed = 0
        self._lock = threading.Lock()

    def next_fails(self) -> bool:
        with self._lock:
            self.commits += 1
            fails = self.first <= self.commits < self.first + self.times
            self.failed += fails
            return fails


class FlakyCommits(CoordinationSQLiteRecorder):
    """Fails the planned commits as ``database is locked``."""

    plan: ClassVar[CommitPlan] = CommitPlan(first=0, times=0)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        counted = kwargs.get("tracking") is not None or not self.plan.tracked_only
        with joint_transaction(self):
            if counted and self.plan.next_fails():
                # What SQLite raises when another writer holds the lock past the timeout;
                # the transaction wraps it as eventsourcing's OperationalError.
                raise sqlite3.OperationalError("database is locked")
            return super().insert_events(stored_events, **kwargs)


FLAKY_COMMITS_TOPIC = f"{FlakyCommits.__module__}:{FlakyCommits.__qualname__}"


async def abandon_one(client: Client, durables: list[str]) -> tuple[str, Msg]:
    """Fetch one message from the first of ``durables`` that has one, and never ack it.

    The message stays pending to this subscription until the consumer's ack_wait passes,
    as with a process that fetched it and died.
    """
    js = client.jetstream(timeout=5)
    for durable in durables:
        subscription = await js.pull_subscribe_bind(durable, stream=EVENTS_STREAM)
        try:
            [message] = await subscription.fetch(1, timeout=0.5)
        except (NatsTimeoutError, TimeoutError):
            continue
        finally:
            await subscription.unsubscribe()
        return durable, message
    raise AssertionError(f"no message to abandon on {durables}")
