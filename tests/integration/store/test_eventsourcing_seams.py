"""The seams Samlad takes from eventsourcing, pinned so an upgrade that moves them fails here.

Public API only: ``ProcessingEvent.collect_events`` and ``EventStore.put(events, tracking=...,
**kwargs)`` reaching the recorder's ``insert_events`` (``StoredApplication.save_processed``);
``Aggregate.collect_events`` (sealing and trace context before the mapper stores events);
``insert_events`` and ``insert_tracking`` writing through the datastore's ``transaction``
(SQLite) or ``get_connection`` (PostgreSQL), which is what lets them join a joint
transaction (``adapters.store.joinable``, the one extension, ADR 0013). Every test runs on
SQLite and on PostgreSQL; eventsourcing's own recorder test cases run on the chained
recorders in test_store_chain_recorders_*.py.
"""

from __future__ import annotations

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, ProcessRecorder, Tracking

from adapters.store.joinable import joint_transaction
from adapters.store.read_models import Upsert
from adapters.store.tracking import insert_trackings
from services.coordination.application import CoordinationApplication
from services.coordination.queries import read_models
from services.coordination.read_model import DEADLINES


class Marker(Aggregate):
    @event("Placed")
    def __init__(self, label: str) -> None:
        self.label = label


class Abandoned(Exception):
    """What a test raises to end a joint transaction without committing it."""


def _deadlines(app: CoordinationApplication) -> list[str]:
    return [
        row["case_id"]
        for row in read_models(app).query(f"SELECT case_id FROM {{{DEADLINES.name}}}")
    ]


def _stored(recorder: ProcessRecorder, aggregate: Aggregate) -> list[int]:
    return [e.originator_version for e in recorder.select_events(aggregate.id)]


def test_events_position_and_read_models_commit_together(
    coordination: CoordinationApplication,
) -> None:
    marker = Marker(label="a")
    row = Upsert(DEADLINES.name, {"case_id": "c1", "due_at": "2026-01-01T00:00:00Z"})

    coordination.save_processed(Tracking("events:consumer", 7), marker, read_models=[row])

    assert coordination.repository.get(marker.id).label == "a"
    assert coordination.process_recorder.max_tracking_id("events:consumer") == 7
    assert _deadlines(coordination) == ["c1"]


def test_a_position_recorded_twice_rolls_back_its_events_and_read_models(
    coordination: CoordinationApplication,
) -> None:
    coordination.save_processed(Tracking("events:consumer", 7), Marker(label="first"))
    again = Marker(label="again")
    row = Upsert(DEADLINES.name, {"case_id": "c2", "due_at": "2026-01-01T00:00:00Z"})

    with pytest.raises(IntegrityError):
        coordination.save_processed(Tracking("events:consumer", 7), again, read_models=[row])

    assert coordination.process_recorder.select_events(again.id) == []
    assert _deadlines(coordination) == []


def test_events_given_beside_their_drained_aggregate_are_saved_once(
    coordination: CoordinationApplication,
) -> None:
    marker = Marker(label="b")
    new_events = marker.collect_events()

    coordination.save_processed(None, *new_events, marker)

    assert len(coordination.process_recorder.select_events(marker.id)) == 1
    assert coordination.repository.get(marker.id).label == "b"


def test_insert_events_writes_inside_an_open_joint_transaction(
    coordination: CoordinationApplication,
) -> None:
    recorder = coordination.process_recorder
    marker = Marker(label="joined")
    stored = coordination.mapper.to_stored_event(marker.collect_events()[0])

    with pytest.raises(Abandoned), joint_transaction(recorder):
        recorder.insert_events([stored], tracking=Tracking("events:consumer", 3))
        raise Abandoned

    assert _stored(recorder, marker) == []
    assert recorder.max_tracking_id("events:consumer") is None


def test_an_insert_that_fails_inside_a_joint_transaction_raises_its_integrity_error(
    coordination: CoordinationApplication,
) -> None:
    marker = Marker(label="twice")
    coordination.save(marker)
    recorder = coordination.process_recorder
    again = coordination.mapper.to_stored_event(Marker(label="other").collect_events()[0])
    clash = recorder.select_events(marker.id)[0]

    with pytest.raises(IntegrityError), joint_transaction(recorder):
        recorder.insert_events([again, clash])

    assert recorder.select_events(again.originator_id) == []


def test_trackings_written_together_are_all_or_none(
    coordination: CoordinationApplication,
) -> None:
    recorder = coordination.process_recorder
    recorder.insert_tracking(Tracking("outbox", 5))
    recorder.insert_tracking(Tracking("outbox:published", 9))

    # A position that does not move forward is refused by single-row tracking.
    with pytest.raises(IntegrityError):
        insert_trackings(recorder, [Tracking("outbox", 6), Tracking("outbox:published", 9)])

    assert recorder.max_tracking_id("outbox") == 5
    insert_trackings(recorder, [Tracking("outbox", 6), Tracking("outbox:published", 10)])
    assert recorder.max_tracking_id("outbox") == 6
    assert recorder.max_tracking_id("outbox:published") == 10
