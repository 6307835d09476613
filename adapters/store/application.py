"""Building eventsourcing applications on the configured store."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
    the effects of the messages up to it commit in one transaction.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._committer: GroupCommitter[ProcessingEvent[Any], list[Recording[Any]]] = (
            GroupCommitter(self._record_group, name=f"{self.name}-group-commit")
        )

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
        recordings = self._record(together)
        self._take_snapshots(together)
        self._notify(recordings)
        if len(recordings) != len(together.events):
            return [[] for _ in group]  # a recorder without notification ids
        answers, start = [], 0
        for processing in group:
            answers.append(recordings[start : start + len(processing.events)])
            start += len(processing.events)
        return answers

    def close(self) -> None:
        self._committer.close()
        super().close()

    def construct_recorder(self) -> ProcessRecorder:  # type: ignore[override]
        return self.factory.process_recorder()

    def save_processed(
        self, tracking: Tracking | None, *aggregates: Any, **kwargs: Any
    ) -> list[Recording[Any]]:
        """Save aggregates with the position of what caused them, in one transaction.

        ``save(tracking=...)`` would pass ``tracking`` twice to the event store, so the
        processing event is built here as eventsourcing's process applications do.
        """
        processing = ProcessingEvent(tracking=tracking)
        processing.collect_events(*aggregates, **kwargs)
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

    @property
    def process_recorder(self) -> ProcessRecorder:
        recorder = self.recorder
        assert isinstance(recorder, ProcessRecorder)
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
    cls: type[App], settings: StoreSettings, service: str, **extra_env: str
) -> App:
    """Construct ``cls`` on the store of ``service`` (one SQLite file or one PG schema).

    On PostgreSQL the schema and the tables the constructor creates are made under
    :func:`schema_lock`, so replicas may start together on an empty database.
    """
    env = settings.env_for(service) | extra_env
    schema = env.get("POSTGRES_SCHEMA")
    if schema is None or settings.database_url is None:
        return cls(env=env)
    with schema_lock(settings.database_url, schema):
        ensure_schema(settings, schema)
        return cls(env=env)
