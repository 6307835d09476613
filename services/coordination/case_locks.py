"""One lock per case: writes to different cases proceed in parallel.

A batch of one partition, the deadline reviewer, or any other writer holds the locks of
every case it changes, taken in id order (so two writers never wait on each other in a
circle). A case belongs to one partition, so partitions never wait on each other; the
reviewer waits only for a partition that holds the same case. A lock lives only while
someone holds or awaits it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from uuid import UUID


class CaseLocks:
    """``with locks.hold(case_ids):`` — nobody else changes those cases meanwhile."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[UUID, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, case_ids: Iterable[UUID]) -> Iterator[None]:
        ordered = sorted(set(case_ids))
        with self._guard:
            locks = []
            for case_id in ordered:
                lock, users = self._locks.get(case_id) or (threading.Lock(), 0)
                self._locks[case_id] = (lock, users + 1)
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
                for case_id in ordered:
                    lock, users = self._locks[case_id]
                    if users == 1:
                        del self._locks[case_id]
                    else:
                        self._locks[case_id] = (lock, users - 1)

    def __len__(self) -> int:
        """How many cases are held or awaited now."""
        with self._guard:
            return len(self._locks)
