"""One lock per key (a person, a case), kept only while someone holds or waits for it.

A writer holds the locks of every key it changes, taken in key order, so two writers
never wait on each other in a circle; writers on other keys never wait at all (an
agency's commands on other persons, coordination's partitions on other cases).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar
from uuid import UUID

# Keys are ordered to take several locks without a cycle: one kind of key per table.
K = TypeVar("K", str, UUID)


class KeyedLock(Generic[K]):
    """``with locks.hold(keys):`` — nobody else holding one of ``keys`` runs meanwhile."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[K, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, keys: Iterable[K]) -> Iterator[None]:
        ordered = sorted(set(keys))
        with self._guard:
            locks = []
            for key in ordered:
                lock, users = self._locks.get(key) or (threading.Lock(), 0)
                self._locks[key] = (lock, users + 1)
                locks.append(lock)
        taken = 0
        try:
            for lock in locks:
                lock.acquire()
                taken += 1
            yield
        finally:
            for lock in locks[:taken]:
                lock.release()
            with self._guard:
                for key in ordered:
                    lock, users = self._locks[key]
                    if users == 1:
                        del self._locks[key]
                    else:
                        self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        """How many keys are held or awaited now."""
        with self._guard:
            return len(self._locks)
