"""Which store errors may pass (invariant 9): the one place that tells them apart.

A *transient* failure (SQLite ``database is locked``, a dropped or terminated PostgreSQL
connection, a serialization failure or deadlock, a pool that timed out) says nothing
about the data: the same write succeeds later, so it is retried with back-off and what
caused it stays unacknowledged. A *conflict* is a lost optimistic race (another writer
appended to the same aggregate or moved the same position first): it is retried after
reloading, a bounded number of times. Anything else is *poison*: retrying the same data
gives the same error, so only that message is parked, with its reason.
"""

from __future__ import annotations

import sqlite3
from enum import Enum

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError


class Failure(Enum):
    TRANSIENT = "transient"
    CONFLICT = "conflict"
    POISON = "poison"


# eventsourcing wraps the drivers' errors (OperationalError covers sqlite3's "database
# is locked" and psycopg's dropped connections, serialization failures and deadlocks);
# the drivers' own classes are listed for code that reaches them unwrapped (a pool).
_TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError,
    sqlite3.OperationalError, sqlite3.InterfaceError,
    psycopg.OperationalError, psycopg.InterfaceError,
    ConnectionError, TimeoutError,
)  # fmt: skip
_CONFLICT: tuple[type[BaseException], ...] = (
    IntegrityError, sqlite3.IntegrityError, psycopg.IntegrityError,
)  # fmt: skip


def classify(error: BaseException) -> Failure:
    """How to treat ``error`` raised while writing to a store."""
    if isinstance(error, _CONFLICT):
        return Failure.CONFLICT
    if isinstance(error, _TRANSIENT):
        return Failure.TRANSIENT
    return Failure.POISON
