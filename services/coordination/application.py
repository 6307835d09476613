"""``CoordinationApplication`` — the shared case store.

A batch of facts is folded into its cases, the cases are reviewed against the gap
rules, and everything (case events, alert events, read models, consumer position)
commits in one transaction. Writes are serialised per case (adapters/store/keyed_lock.py): a case is
never changed from two places at once, while partitions, whose cases are disjoint,
proceed in parallel and the deadline reviewer waits only for the cases it reviews.

The writers keep the cases they saved in memory (case_cache.py), evicted when a commit
fails; a long case is snapshotted every ``SNAPSHOT_EVERY`` events so a cold load reads
a snapshot and the events after it. Readers get private copies from the repository.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError, Repository
from eventsourcing.persistence import RecordConflictError, Tracking

from adapters.store.application import StoredApplication
from adapters.store.keyed_lock import KeyedLock
from adapters.store.read_models import Change, ReadModelRecorder, Upsert
from domain.case.aggregate import Case
from domain.case.contradictions import PAIRED, ContradictingFact, contradiction
from domain.case.facts import Fact
from domain.case.policy import RulePolicy
from domain.case.policy_log import (
    DEFAULT_VERSION,
    POLICY_LOG_ID,
    PolicyLog,
    PolicyVersion,
    in_force,
)
from services.coordination.case_cache import CACHED_CASES, CaseCache
from services.coordination.instants import instant
from services.coordination.read_model import DEADLINES, changes_for, partition_applied

SNAPSHOT_EVERY = 200
"""Case events between snapshots: a cold load folds at most this many events after one."""

POLICY_REFRESH_SECONDS = 2.0
"""How stale a writer's copy of the policy in force may get: a change made on another
replica reaches this one's partition consumers within this time (ADR 0018)."""


class CoordinationApplication(StoredApplication):
    """Cases, alerts and the lists across them."""

    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Case: SNAPSHOT_EVERY}

    def __init__(
        self, *args: Any, policy: RulePolicy | None = None, cached_cases: int = CACHED_CASES,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The policy in force is the stored PolicyLog's latest version; ``policy`` is the
        # fallback while none is stored (defaults, or a test's own thresholds).
        self.fallback_policy = policy or RulePolicy()
        self.policy = self.fallback_policy
        self._policy_read_at: float | None = None
        self._policy_change = threading.Lock()
        self.case_locks: KeyedLock[UUID] = KeyedLock()
        self.cases = CaseCache(cached_cases)
        # Called after each commit (from the committing thread): wakes the alert outbox
        # and the live views. One hook per owner, by name: a restarted worker registering
        # again replaces its hook instead of adding a second one.
        self.after_commit: dict[str, Callable[[], None]] = {}

    @property
    def read_models(self) -> ReadModelRecorder:
        """The process recorder, as the read models it also holds (``recorder_env``)."""
        recorder = self.process_recorder
        assert isinstance(recorder, ReadModelRecorder), type(recorder)
        return recorder

    def construct_repository(self) -> Repository[UUID]:
        """No aggregate cache: the writers keep their own cases (``self.cases``), and a
        reader's copy is its own, so nothing is deep-copied out of a shared cache."""
        return Repository(event_store=self.events, snapshot_store=self.snapshots)

    def get_case(self, person_ref: str) -> Case:
        case: object = self.repository.get(Case.create_id(person_ref))
        assert isinstance(case, Case)
        return case

    def find_case(self, person_ref: str) -> Case | None:
        try:
            return self.get_case(person_ref)
        except AggregateNotFoundError:
            return None

    # -- the rule policy (regelverket) ---------------------------------------------------

    def policy_log(self) -> PolicyLog | None:
        """The stored history of the policy, None before the first change."""
        try:
            log: object = self.repository.get(POLICY_LOG_ID)
        except AggregateNotFoundError:
            return None
        assert isinstance(log, PolicyLog)
        return log

    def policy_versions(self) -> tuple[PolicyVersion, ...]:
        """Every stored version, oldest first (the defaults, version 0, are not stored)."""
        log = self.policy_log()
        return log.versions if log is not None else ()

    def policy_history(self) -> tuple[PolicyVersion, ...]:
        """Version 0 (the fallback policy, in force before any change), then every change."""
        base = msgspec.structs.replace(DEFAULT_VERSION, policy=self.fallback_policy)
        return (base, *self.policy_versions())

    def policy_in_force(self, at: datetime | None = None) -> PolicyVersion:
        """The version in force at ``at`` (now when None)."""
        history = self.policy_history()
        found = in_force(history[1:], at)
        return history[0] if found.version == 0 else found

    def refresh_policy(self) -> RulePolicy:
        """Read the policy in force from the store (another replica may have changed it)."""
        self.policy = self.policy_in_force().policy
        self._policy_read_at = time.monotonic()
        return self.policy

    def _fresh_policy(self) -> RulePolicy:
        read_at = self._policy_read_at
        if read_at is None or time.monotonic() - read_at >= POLICY_REFRESH_SECONDS:
            return self.refresh_policy()
        return self.policy

    def change_policy(
        self, thresholds: Mapping[str, int], *, changed_by: str, reason: str, now: datetime
    ) -> PolicyVersion:
        """Put a new policy in force (the board's decision), as an event.

        In the same transaction every open case's deadline is set to ``now``: the deadline
        reviewer (one owner, ADR 0011) reviews each again under the new thresholds, so
        alerts rise or fall at once instead of at the old deadlines.
        """
        with self._policy_change:
            log = self.policy_log() or PolicyLog()
            version = log.change(thresholds, changed_at=now, changed_by=changed_by,
                                 reason=reason)
            rows = self.read_models.query(
                "SELECT case_id FROM {case_index} WHERE exited IS NULL", [])
            requeued: list[Change] = [
                Upsert(DEADLINES.name, {"case_id": row["case_id"], "due_at": instant(now)})
                for row in rows
            ]
            self.save_processed(None, log, read_models=requeued)
            self.policy = version.policy
            self._policy_read_at = time.monotonic()
        return version

    # -- facts and deadlines ---------------------------------------------------------------

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
        pairs = list(facts)
        case_ids = {Case.create_id(person_ref) for person_ref, _ in pairs}
        with self.case_locks.hold(case_ids):
            try:
                return self._ingest(pairs, now, tracking, extra)
            except RecordConflictError:
                # Another writer (another replica's reviewer) saved one of these cases
                # first: what we held was stale. Load them again and apply the batch once more.
                return self._ingest(pairs, now, tracking, extra)

    def _ingest(
        self, pairs: list[tuple[str, Fact]], now: datetime, tracking: Tracking | None,
        extra: Sequence[Change],
    ) -> int:
        cases: dict[str, Case] = {}
        recorded = 0
        try:
            for person_ref, fact in pairs:
                case = cases.get(person_ref)
                if case is None:
                    # An event for an unknown case opens the case.
                    case = cases[person_ref] = self._writable(person_ref)
                if isinstance(fact, PAIRED):
                    reason = contradiction(case.state, fact)
                    if reason is not None:
                        # Not retried: the consumer applies the batch one by one and
                        # parks this fact with its reason.
                        raise ContradictingFact(reason)
                recorded += case.record(fact)
            if tracking is not None:
                extra = [*extra, partition_applied(
                    tracking.application_name, tracking.notification_id, now)]
            self._commit(list(cases.values()), now, tracking, extra)
        except BaseException:
            self.cases.evict(case.id for case in cases.values())
            raise
        return recorded

    def _writable(self, person_ref: str) -> Case:
        """The case to change (the caller holds its lock): cached, stored, or new."""
        case_id = Case.create_id(person_ref)
        return self.cases.get(case_id) or self.find_case(person_ref) or Case(
            person_ref=person_ref
        )

    def review_due(self, now: datetime, limit: int = 500) -> int:
        """Review the cases whose next deadline has come; returns how many."""
        rows = self.read_models.query(
            "SELECT case_id FROM {deadline_index} WHERE due_at <= ? ORDER BY due_at LIMIT ?",
            (instant(now), limit),
        )
        if not rows:
            return 0
        case_ids = [UUID(row["case_id"]) for row in rows]
        # Read the policy afresh: a change requeues every case, and each must be reviewed
        # under the new thresholds, whichever replica made the change.
        self.refresh_policy()
        with self.case_locks.hold(case_ids):
            cases = []
            try:
                for case_id in case_ids:
                    case = self.cases.get(case_id) or self.repository.get(case_id)
                    assert isinstance(case, Case)
                    cases.append(case)
                self._commit(cases, now, None)
            except BaseException:
                self.cases.evict(case_ids)
                raise
        return len(cases)

    def applied_at(self) -> dict[str, str]:
        """Per producer, when this store last applied one of its events (how stale)."""
        rows = self.read_models.query(
            "SELECT producer, MAX(seen_at) AS seen_at FROM {producer_positions} "
            "GROUP BY producer", [],
        )
        return {row["producer"]: row["seen_at"] for row in rows}

    def applied_by_partition(self) -> dict[str, str]:
        """Per partition consumer, when it last committed (a few rows: one a partition)."""
        rows = self.read_models.query(
            "SELECT consumer, applied_at FROM {partition_applied}", [],
        )
        return {row["consumer"]: row["applied_at"] for row in rows}

    def find_gaps(self, seen_before: datetime) -> list[dict[str, Any]]:
        """Runs of positions a producer published before one we saw, never arrived here.

        Each run is ``first``..``last``: from just after the last position seen below the
        missing ``previous`` (or 1) up to it; republishing that range closes the gap.
        """
        rows = self.read_models.query(
            "SELECT p.producer, p.previous AS missing, p.position AS seen_after, "
            "(SELECT MAX(r.position) FROM {producer_positions} r "
            " WHERE r.producer = p.producer AND r.position < p.previous) AS seen_below "
            "FROM {producer_positions} p LEFT JOIN {producer_positions} q "
            "ON q.producer = p.producer AND q.position = p.previous "
            "WHERE p.previous IS NOT NULL AND q.position IS NULL AND p.seen_at < ? "
            "ORDER BY p.producer, p.previous",
            (instant(seen_before),),
        )
        return [
            {"producer": row["producer"], "first": (row["seen_below"] or 0) + 1,
             "last": row["missing"], "seen_after": row["seen_after"]}
            for row in rows
        ]

    def _commit(
        self, cases: Sequence[Case], now: datetime, tracking: Tracking | None,
        extra: Sequence[Change] = (),
    ) -> None:
        changes: list[Change] = list(extra)
        saved: list[Any] = []
        policy = self._fresh_policy()
        for case in cases:
            case.review(now, policy)
            new_events = case.collect_events()
            changes.extend(changes_for(case, policy, now, new_events))
            saved += [*new_events, case]
        self.save_processed(tracking, *saved, read_models=changes)
        self.cases.put(cases)
        for hook in list(self.after_commit.values()):
            hook()
