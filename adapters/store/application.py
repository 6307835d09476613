"""Building eventsourcing applications on the configured store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Recording, Tracking

from adapters.store.settings import StoreSettings

App = TypeVar("App", bound="StoredApplication")


class StoredApplication(Application[Any]):
    """An Application whose recorder also tracks positions (a process recorder).

    Tracking lives in the same database as the events, so a consumer's position and
    the effects of the messages up to it commit in one transaction.
    """

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
