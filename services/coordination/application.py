"""``CoordinationApplication`` — the shared case store.

A batch of facts is folded into its cases, the cases are reviewed against the gap
rules, and everything (case events, alert events, read models, consumer position)
commits in one transaction. Writes are serialised: the consumer's partitions and the
deadline scheduler take turns, so a case is never changed from two places at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import Tracking

from adapters.store.application import StoredApplication
from adapters.store.read_models import Change
from domain.case.aggregate import Case
from domain.case.facts import Fact
from domain.case.policy import RulePolicy
from services.coordination.read_model import changes_for, instant


class CoordinationApplication(StoredApplication):
    """Cases, alerts and the lists across them."""

    def __init__(self, *args: Any, policy: RulePolicy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy or RulePolicy()
        self._write_lock = threading.Lock()
        # Called after each commit (from the committing thread): wakes the alert outbox
        # and the live views.
        self.after_commit: list[Callable[[], None]] = []

    def get_case(self, person_ref: str) -> Case:
        case = self.repository.get(Case.create_id(person_ref))
        assert isinstance(case, Case)
        return case

    def find_case(self, person_ref: str) -> Case | None:
        try:
            return self.get_case(person_ref)
        except AggregateNotFoundError:
            return None

    def ingest(
        self,
        facts: Iterable[tuple[str, Fact]],
        *,
        now: datetime,
        tracking: Tracking | None = None,
        extra: Sequence[Change] = (),
    ) -> int:
        """Record ``(person_ref, fact)`` pairs; returns how many facts were new.

        ``extra`` read-model changes (e.g. producer positions) commit with the facts.
        """
        with self._write_lock:
            cases: dict[str, Case] = {}
            recorded = 0
            for person_ref, fact in facts:
                case = cases.get(person_ref)
                if case is None:
                    # An event for an unknown case opens the case.
                    case = cases[person_ref] = self.find_case(person_ref) or Case(
                        person_ref=person_ref
                    )
                recorded += case.record(fact)
            self._commit(list(cases.values()), now, tracking, extra)
            return recorded

    def review_due(self, now: datetime, limit: int = 500) -> int:
        """Review the cases whose next deadline has come; returns how many."""
        rows = self.process_recorder.query(  # type: ignore[attr-defined]
            "SELECT case_id FROM {deadline_index} WHERE due_at <= ? ORDER BY due_at LIMIT ?",
            (instant(now), limit),
        )
        if not rows:
            return 0
        with self._write_lock:
            cases = [self.repository.get(UUID(row["case_id"])) for row in rows]
            self._commit(cases, now, None)
        return len(cases)

    def find_gaps(self, seen_before: datetime) -> list[dict[str, Any]]:
        """Positions a producer published before one we saw, yet never arrived here."""
        return self.process_recorder.query(  # type: ignore[attr-defined]
            "SELECT p.producer, p.previous AS missing, p.position AS seen_after "
            "FROM {producer_positions} p LEFT JOIN {producer_positions} q "
            "ON q.producer = p.producer AND q.position = p.previous "
            "WHERE p.previous IS NOT NULL AND q.position IS NULL AND p.seen_at < ? "
            "ORDER BY p.producer, p.previous",
            (instant(seen_before),),
        )

    def _commit(
        self, cases: Sequence[Case], now: datetime, tracking: Tracking | None,
        extra: Sequence[Change] = (),
    ) -> None:
        changes: list[Change] = list(extra)
        saved: list[Any] = []
        for case in cases:
            case.review(now, self.policy)
            new_events = case.collect_events()
            changes.extend(changes_for(case, self.policy, now, new_events))
            saved += [*new_events, case]
        self.save_processed(tracking, *saved, read_models=changes)
        for hook in self.after_commit:
            hook()
