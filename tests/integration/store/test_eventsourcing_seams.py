"""The seams Samlad takes from eventsourcing, pinned so an upgrade that moves them fails here.

Public API: ``ProcessingEvent.collect_events`` and ``EventStore.put(events, tracking=...,
**kwargs)`` reaching ``insert_events`` (``StoredApplication.save_processed``);
``Aggregate.collect_events`` (sealing and trace context before the mapper stores events).
The one subclass point (docs/adr, "eventsourcing seams"): the recorders' insert step
inside the write transaction, ``_insert_events(cursor, stored_events, **kwargs)`` on
SQLite and ``_fetch_ids_after_insert_events`` on PostgreSQL, where the hash chain and the
read models join the events' transaction.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteProcessRecorder

from adapters.store.application import open_application
from adapters.store.read_models import ReadModelRecorder, Upsert
from adapters.store.settings import StoreSettings
from services.coordination.application import CoordinationApplication
from services.coordination.read_model import DEADLINES
from services.coordination.recorders import recorder_env


class Marker(Aggregate):
    @event("Placed")
    def __init__(self, label: str) -> None:
        self.label = label


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CoordinationApplication]:
    app = open_application(CoordinationApplication, StoreSettings(data_dir=tmp_path),
                           "coordination", init=None, **recorder_env(False))
    yield app
    app.close()


def _deadlines(app: CoordinationApplication) -> list[str]:
    recorder = app.process_recorder
    assert isinstance(recorder, ReadModelRecorder)
    return [row["case_id"] for row in recorder.query(
        f"SELECT case_id FROM {{{DEADLINES.name}}}")]


def test_events_position_and_read_models_commit_together(
    store: CoordinationApplication,
) -> None:
    marker = Marker(label="a")
    row = Upsert(DEADLINES.name, {"case_id": "c1", "due_at": "2026-01-01T00:00:00Z"})

    store.save_processed(Tracking("events:consumer", 7), marker, read_models=[row])

    assert store.repository.get(marker.id).label == "a"
    assert store.process_recorder.max_tracking_id("events:consumer") == 7
    assert _deadlines(store) == ["c1"]


def test_a_position_recorded_twice_rolls_back_its_events_and_read_models(
    store: CoordinationApplication,
) -> None:
    store.save_processed(Tracking("events:consumer", 7), Marker(label="first"))
    again = Marker(label="again")
    row = Upsert(DEADLINES.name, {"case_id": "c2", "due_at": "2026-01-01T00:00:00Z"})

    with pytest.raises(IntegrityError):
        store.save_processed(Tracking("events:consumer", 7), again, read_models=[row])

    assert store.process_recorder.select_events(again.id) == []
    assert _deadlines(store) == []


def test_events_given_beside_their_drained_aggregate_are_saved_once(
    store: CoordinationApplication,
) -> None:
    marker = Marker(label="b")
    new_events = marker.collect_events()

    store.save_processed(None, *new_events, marker)

    assert len(store.process_recorder.select_events(marker.id)) == 1
    assert store.repository.get(marker.id).label == "b"


@pytest.mark.parametrize(("recorder", "method"), [
    (SQLiteProcessRecorder, "_insert_events"),
    (PostgresProcessRecorder, "_fetch_ids_after_insert_events"),
])
def test_the_recorders_insert_step_takes_a_cursor_the_events_and_the_save_keywords(
    recorder: type, method: str,
) -> None:
    parameters = list(inspect.signature(getattr(recorder, method)).parameters.values())
    assert [p.name for p in parameters[:3]] == ["self", parameters[1].name, "stored_events"]
    assert parameters[-1].kind is inspect.Parameter.VAR_KEYWORD
    module = inspect.getmodule(recorder)
    assert module is not None
    assert f"self.{method}(" in inspect.getsource(module), f"nothing calls {method} any more"

