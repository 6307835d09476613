"""Who read which case, when and why (loggning av åtkomst), as events in the case store.

Every read of a case by a person (API or UI) becomes a ``CaseRead`` event on an
``AccessLog`` aggregate: one per case and day, so a busy day of one case is one short
stream. Reads never wait for it: ``AccessLogger.record`` queues the entry and one
writer thread saves the queue in its own transactions, each with the ``access_log``
read-model rows auditors query. An auditor's record is never dropped: a failed save is
retried with back-off and its entries stay queued until saved; ``close`` flushes. The
events are chained with the rest of the store, so the access log is as tamper-evident as
the cases.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

import msgspec
import structlog
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from adapters.store.failures import Failure, classify
from adapters.store.read_models import Table, Upsert
from domain.case.identity import SAMLAD_NS
from services.coordination.instants import instant

log = structlog.get_logger(__name__)

DEFAULT_PURPOSE = "handläggning"
PURPOSE_HEADER = "X-Purpose"
ANONYMOUS = "anonym"
SAVE_ATTEMPTS = 5
INITIAL_BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 5.0
CLOSE_SECONDS = 10.0

ACCESS_LOG = Table(
    name="access_log",
    columns={
        "entry_id": "TEXT", "person_ref": "TEXT", "subject": "TEXT", "role": "TEXT",
        "agency": "TEXT", "purpose": "TEXT", "resource": "TEXT", "at": "TEXT",
    },
    key="entry_id",
    indexes=(("person_ref", "at"), ("agency", "at"), ("at",)),
)


class AccessEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One read: who (subject, role, agency), which case, what (resource), when, why."""

    entry_id: str
    person_ref: str
    subject: str
    role: str | None
    agency: str | None
    purpose: str
    resource: str
    at: datetime


class AccessLog(Aggregate):
    """The reads of one case on one day."""

    @staticmethod
    def create_id(person_ref: str, day: str, **_: Any) -> UUID:
        return uuid5(SAMLAD_NS, f"access-log:{person_ref}:{day}")

    @event("Started")
    def __init__(self, person_ref: str, day: str) -> None:
        self.person_ref = person_ref
        self.day = day
        self.reads = 0

    @event("CaseRead")
    def record_read(self, entry: AccessEntry) -> None:
        self.reads += 1


def _instant(value: datetime) -> str:
    return instant(value)


def access_row(entry: AccessEntry) -> Upsert:
    return Upsert(ACCESS_LOG.name, {
        "entry_id": entry.entry_id, "person_ref": entry.person_ref, "subject": entry.subject,
        "role": entry.role, "agency": entry.agency, "purpose": entry.purpose,
        "resource": entry.resource, "at": _instant(entry.at),
    })


def reader_of(request: Any) -> tuple[str, str | None, str | None]:
    """``(subject, role, agency)`` of the authenticated caller (Principal), if any."""
    user = request.scope.get("user")
    if user is None:
        return ANONYMOUS, None, None
    role = getattr(user, "role", None)
    return (str(getattr(user, "subject", ANONYMOUS)), str(role) if role else None,
            getattr(user, "agency", None))


def purpose_of(request: Any) -> str:
    """``?purpose=`` or the ``X-Purpose`` header; handläggning unless told."""
    return (request.query_params.get("purpose") or request.headers.get(PURPOSE_HEADER)
            or DEFAULT_PURPOSE)


class AccessLogger:
    """Records reads off the request path: ``record`` queues, one thread saves.

    ``app`` is a CoordinationApplication (any StoredApplication whose recorder keeps the
    ``access_log`` table). ``flush`` waits until everything queued is saved.
    """

    def __init__(self, app: Any, clock: Any) -> None:
        self._app = app
        self._clock = clock
        self._queue: queue.Queue[AccessEntry | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        # Set when shutdown can wait no longer for a store that keeps failing.
        self._abandon = threading.Event()

    def record(
        self, *, person_ref: str, subject: str, role: str | None, agency: str | None,
        purpose: str = DEFAULT_PURPOSE, resource: str,
    ) -> AccessEntry:
        entry = AccessEntry(
            entry_id=str(uuid4()), person_ref=person_ref, subject=subject, role=role,
            agency=agency, purpose=purpose or DEFAULT_PURPOSE, resource=resource,
            at=self._clock(),
        )
        self._ensure_started()
        self._queue.put(entry)
        return entry

    def record_request(self, request: Any, person_ref: str, resource: str) -> AccessEntry:
        """Record a read by the caller of ``request`` (API handlers call this)."""
        subject, role, agency = reader_of(request)
        return self.record(person_ref=person_ref, subject=subject, role=role, agency=agency,
                           purpose=purpose_of(request), resource=resource)

    def flush(self) -> None:
        if self._thread is not None:
            self._queue.join()

    def close(self) -> None:
        """Save everything queued, then stop the writer (a shutdown hook: no arguments)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=CLOSE_SECONDS)
            if self._thread.is_alive():
                # The store is still failing: the writer logs what it could not save.
                self._abandon.set()
                self._thread.join(timeout=MAX_BACKOFF_SECONDS)
            self._thread = None

    def _ensure_started(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="access-log",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                self._queue.task_done()
                return
            batch = [first]
            while len(batch) < 500:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # seen after this batch
                    self._queue.task_done()
                    break
                batch.append(item)
            try:
                self._save_until_saved(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _save_until_saved(self, batch: list[AccessEntry]) -> None:
        delay = INITIAL_BACKOFF_SECONDS
        while True:
            try:
                self.save(batch)
                return
            except Exception as error:
                failure = classify(error)
                if self._abandon.is_set():
                    # Only at shutdown with the store down: the log keeps the record.
                    log.error("access_log_unsaved", error=repr(error),
                              entries=msgspec.to_builtins(batch))
                    return
                if failure is Failure.POISON:
                    log.exception("access_log_save_failed", entries=len(batch), delay=delay)
                else:
                    log.warning("access_log_save_retried", entries=len(batch),
                                failure=failure.value, error=repr(error), delay=delay)
            self._abandon.wait(delay)
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    def save(self, entries: Iterable[AccessEntry]) -> None:
        """Append ``entries`` to their day's logs in one transaction (retried on conflict)."""
        entries = list(entries)
        for attempt in range(SAVE_ATTEMPTS):
            logs: dict[UUID, AccessLog] = {}
            for entry in entries:
                day = date.isoformat(entry.at.date())
                log_id = AccessLog.create_id(entry.person_ref, day)
                if log_id not in logs:
                    logs[log_id] = self._load(log_id) or AccessLog(
                        person_ref=entry.person_ref, day=day
                    )
                logs[log_id].record_read(entry)
            try:
                self._app.save_processed(
                    None, *logs.values(), read_models=[access_row(e) for e in entries]
                )
                return
            except IntegrityError:
                # Another process appended to the same day's log first: load and retry.
                if attempt == SAVE_ATTEMPTS - 1:
                    raise

    def _load(self, log_id: UUID) -> AccessLog | None:
        try:
            found = self._app.repository.get(log_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, AccessLog) else None


class AccessView(msgspec.Struct, kw_only=True):
    entry_id: str
    person_ref: str
    subject: str
    role: str | None
    agency: str | None
    purpose: str
    resource: str
    at: str


def query_access_log(
    recorder: Any, *, person_ref: str | None = None, agency: str | None = None,
    time_from: datetime | None = None, time_to: datetime | None = None,
    limit: int = 1000, offset: int = 0,
) -> list[AccessView]:
    """Entries in time order, filtered; ``time_to`` is exclusive."""
    where, params = ["1 = 1"], []
    for column, value in (("person_ref", person_ref), ("agency", agency)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if time_from:
        where.append("at >= ?")
        params.append(_instant(time_from))
    if time_to:
        where.append("at < ?")
        params.append(_instant(time_to))
    rows = recorder.query(
        f"SELECT * FROM {{access_log}} WHERE {' AND '.join(where)} "
        "ORDER BY at, entry_id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [msgspec.convert(row, AccessView) for row in rows]
