"""Building eventsourcing applications on the configured store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Recording, Tracking

from adapters.store.group_commit import GroupCommitter
from adapters.store.settings import StoreSettings

App = TypeVar("App", bound="StoredApplication")


class StoredApplication(Application[Any]):
    """An Application whose recorder also tracks positions (a process recorder).

    Tracking lives in the same database as the events, so a consumer's position and
    the effects of the messages up to it commit in one transaction. Only eventsourcing's
    public API is used (pinned by tests/integration/store/test_eventsourcing_seams.py):
    ``ProcessingEvent.collect_events`` gathers the new events and ``EventStore.put``
    hands them, the tracking and any keyword arguments to the recorder's
    ``insert_events``, as ``Application.save`` does for a save without a position.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._committer: GroupCommitter[ProcessingEvent[Any], list[Recording[Any]]] = (
            GroupCommitter(self._record_group, name=f"{self.name}-group-commit")
        )

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    def save_processed(
        self, tracking: Tracking | None, *aggregates: Any, **kwargs: Any
    ) -> list[Recording[Any]]:
        """Save aggregates with the position of what caused them, in one transaction.

        ``kwargs`` reach the recorder's ``insert_events`` (e.g. ``read_models``).
        """
        processing: ProcessingEvent[Any] = ProcessingEvent(tracking=tracking)
        processing.collect_events(*aggregates, **kwargs)
        return self._put(processing)

    def save_grouped(self, *objs: Any, **kwargs: Any) -> list[Recording[Any]]:
        """``save``, in one transaction with what other threads save meanwhile.

        Blocks until that transaction commits; raises only this save's own failure
        (``IntegrityError`` when another save on one of ``objs`` came first), see
        ``adapters.store.group_commit``. Events are collected here, in the caller's thread.
        """
        processing: ProcessingEvent[Any] = ProcessingEvent()
        processing.collect_events(*objs, **kwargs)
        return self._committer.submit(processing)

    def _record_group(
        self, group: Sequence[ProcessingEvent[Any]]
    ) -> list[list[Recording[Any]]]:
        together: ProcessingEvent[Any] = ProcessingEvent()
        for processing in group:
            together.events += processing.events
            together.aggregates |= processing.aggregates
            together.saved_kwargs |= processing.saved_kwargs
        recordings = self._put(together)
        if len(recordings) != len(together.events):
            return [[] for _ in group]  # a recorder without notification ids
        answers, start = [], 0
        for processing in group:
            answers.append(recordings[start : start + len(processing.events)])
            start += len(processing.events)
        return answers

    def _put(self, processing: ProcessingEvent[Any]) -> list[Recording[Any]]:
        """The one write path: the events, tracking and read models in one transaction,
        then what ``Application.save`` does after it (cache, snapshots)."""
        recordings = self.events.put(
            processing.events, tracking=processing.tracking, **processing.saved_kwargs
        )
        # As Application.save: a fast-forwarding repository reads on from its cache.
        if self.repository.cache is not None and not self.repository.fastforward:
            for aggregate_id, aggregate in processing.aggregates.items():
                self.repository.cache.put(aggregate_id, aggregate)
        self._snapshot(processing)
        return list(recordings)

    def _snapshot(self, processing: ProcessingEvent[Any]) -> None:
        """A snapshot at every ``snapshotting_intervals`` version an event reached."""
        if not self.snapshotting_intervals:
            return
        for event in processing.events:
            aggregate = processing.aggregates.get(event.originator_id)
            if aggregate is None:
                continue
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval and event.originator_version % interval == 0:
                self.take_snapshot(event.originator_id, version=event.originator_version)

    def close(self) -> None:
        self._committer.close()
        super().close()

    @property
    def process_recorder(self) -> ProcessRecorder:
        recorder = self.recorder
        if not isinstance(recorder, ProcessRecorder):  # pragma: no cover
            raise TypeError("construct_recorder makes a process recorder")
        return recorder


@contextmanager
def schema_lock(database_url: str, schema: str) -> Iterator[None]:
    """One process at a time creates ``schema`` and its tables.

    ``CREATE ... IF NOT EXISTS`` is not safe against itself: two replicas starting on an
    empty database both pass the check and one fails on ``pg_type_typname_nsp_index``.
    A session-level advisory lock (released when the connection closes, also on a
    crash) makes the second wait and then find everything in place.
    """
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"samlad.schema:{schema}",))
        yield


def ensure_schema(settings: StoreSettings, schema: str) -> None:
    """eventsourcing creates tables but not schemas; PostgreSQL needs the schema first."""
    if settings.database_url is None:
        return
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')


def open_application(
    cls: type[App],
    settings: StoreSettings,
    service: str,
    *,
    init: Mapping[str, Any] | None = None,
    **extra_env: str,
) -> App:
    """Construct ``cls`` on the store of ``service`` (one SQLite file or one PG schema).

    ``init`` are ``cls``'s own constructor arguments (its collaborators), beside ``env``.
    On PostgreSQL the schema and the tables the constructor creates are made under
    :func:`schema_lock`, so replicas may start together on an empty database.
    """
    env = settings.env_for(service) | extra_env
    schema = env.get("POSTGRES_SCHEMA")
    if schema is None or settings.database_url is None:
        return cls(env=env, **(init or {}))
    with schema_lock(settings.database_url, schema):
        ensure_schema(settings, schema)
        return cls(env=env, **(init or {}))
