"""Cases kept in memory between batches (ärendecache), for the writers only.

Reloading every case a batch touches from the store (events, reconstruction, a fold)
was most of the ingest. The writers keep the cases they saved, the latest used last,
up to ``size`` cases and ``facts`` facts in all (a case's memory follows its facts, so a
few long cases must not hold the memory of thousands). A case enters only after its
commit succeeded; whoever changed a case whose commit then failed must ``evict`` it, so
the next batch reloads what the store holds. Callers hold the case's lock
(adapters/store/keyed_lock.py) while they use a cached case; readers never get
one (they get private copies).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from uuid import UUID

from domain.case.aggregate import Case

CACHED_CASES = 4096
CACHED_FACTS = 100_000


class CaseCache:
    """A bounded, thread-safe LRU of saved cases by id."""

    def __init__(self, size: int = CACHED_CASES, facts: int = CACHED_FACTS) -> None:
        self.size = size
        self.facts = facts
        self._lock = threading.Lock()
        self._cases: OrderedDict[UUID, Case] = OrderedDict()
        self._facts: dict[UUID, int] = {}
        self._held = 0

    def get(self, case_id: UUID) -> Case | None:
        with self._lock:
            case = self._cases.get(case_id)
            if case is not None:
                self._cases.move_to_end(case_id)
            return case

    def put(self, cases: Iterable[Case]) -> None:
        """Keep ``cases``, just saved; the least recently used go beyond ``size``."""
        with self._lock:
            for case in cases:
                self._drop(case.id)
                self._cases[case.id] = case
                self._facts[case.id] = case.fact_count
                self._held += case.fact_count
            while self._cases and (len(self._cases) > self.size or self._held > self.facts):
                self._drop(next(iter(self._cases)))

    def evict(self, case_ids: Iterable[UUID]) -> None:
        with self._lock:
            for case_id in case_ids:
                self._drop(case_id)

    def _drop(self, case_id: UUID) -> None:
        if self._cases.pop(case_id, None) is not None:
            self._held -= self._facts.pop(case_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._cases)
