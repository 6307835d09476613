"""Building eventsourcing applications on the configured store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import psycopg
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Recording, Tracking

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

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    def save_processed(
        self, tracking: Tracking | None, *aggregates: Any, **kwargs: Any
    ) -> list[Recording[Any]]:
        """Save aggregates with the position of what caused them, in one transaction.

        ``kwargs`` reach the recorder's ``insert_events`` (e.g. ``read_models``).
        """
        if self.snapshotting_intervals:  # pragma: no cover - no store takes snapshots
            raise NotImplementedError("save_processed takes no automatic snapshots")
        processing: ProcessingEvent[Any] = ProcessingEvent(tracking=tracking)
        processing.collect_events(*aggregates, **kwargs)
        recordings = self.events.put(
            processing.events, tracking=tracking, **processing.saved_kwargs
        )
        # As Application.save: a fast-forwarding repository reads on from its cache.
        if self.repository.cache is not None and not self.repository.fastforward:
            for aggregate_id, aggregate in processing.aggregates.items():
                self.repository.cache.put(aggregate_id, aggregate)
        return recordings

    @property
    def process_recorder(self) -> ProcessRecorder:
        recorder = self.recorder
        if not isinstance(recorder, ProcessRecorder):  # pragma: no cover
            raise TypeError("construct_recorder makes a process recorder")
        return recorder


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
    """
    env = settings.env_for(service) | extra_env
    if "POSTGRES_SCHEMA" in env:
        ensure_schema(settings, env["POSTGRES_SCHEMA"])
    return cls(env=env, **(init or {}))
