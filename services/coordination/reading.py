"""Read-only cases for queries, without rebuilding the case on every read.

``repository.get`` deep-copies the cached case for each caller (so commands cannot
corrupt the cache) and the copy folds its state again: for a 200-fact case that is
most of a timeline request. Queries never change a case, so this keeps one private
copy per case and version, its state folded once, and checks the version with one
indexed query per read. A newer version (written here or by another replica) misses
and loads again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from uuid import UUID

from adapters.http.problems import Stale
from domain.case.aggregate import Case
from services.coordination.application import CoordinationApplication

CACHED_CASES = 2048


READ_WAIT_SECONDS = 5.0
READ_POLL_SECONDS = 0.05


class NotYetApplied(Stale):
    """The case has not applied an event a reader asked to see (``?after=``): 503."""

    def __init__(self, event_id: str, waited: float, applied_at: dict[str, str]) -> None:
        # Per producer, when the coordination last applied one of its events: how stale.
        super().__init__(
            f"the shared case has not applied event {event_id} within {waited:.0f} s",
            {"event_id": event_id, "waited_seconds": waited, "last_applied_at": applied_at},
        )


class CaseReader:
    """``find(person_ref)``: the latest case, shared by readers, never to be changed."""

    def __init__(self, app: CoordinationApplication, size: int = CACHED_CASES) -> None:
        self._app = app
        self._size = size
        self._lock = threading.Lock()
        self._cases: OrderedDict[UUID, Case] = OrderedDict()

    def _latest_version(self, case_id: UUID) -> int | None:
        latest = self._app.recorder.select_events(case_id, desc=True, limit=1)
        return latest[0].originator_version if latest else None

    def find_after(
        self, person_ref: str, event_id: str, within: float = READ_WAIT_SECONDS
    ) -> Case | None:
        """The case once it holds ``event_id``; ``NotYetApplied`` after ``within`` s.

        Read your writes: the position a command answered with reaches the case through
        the outbox, the stream and a partition consumer, usually within milliseconds.
        """
        deadline = time.monotonic() + within
        while True:
            case = self.find(person_ref)
            if case is not None and any(fact.event_id == event_id for fact in case.facts):
                return case
            if time.monotonic() >= deadline:
                raise NotYetApplied(event_id, within, self._app.applied_at())
            time.sleep(READ_POLL_SECONDS)

    def find(self, person_ref: str) -> Case | None:
        case_id = Case.create_id(person_ref)
        version = self._latest_version(case_id)
        if version is None:
            return None
        with self._lock:
            cached = self._cases.get(case_id)
            if cached is not None and cached.version == version:
                self._cases.move_to_end(case_id)
                return cached
        case = self._app.find_case(person_ref)  # a deep copy nobody else holds
        if case is None:
            return None
        _ = case.state  # fold once, while the copy is still private
        with self._lock:
            current = self._cases.get(case_id)
            if current is None or current.version <= case.version:
                self._cases[case_id] = case
                self._cases.move_to_end(case_id)
            while len(self._cases) > self._size:
                self._cases.popitem(last=False)
        return case
