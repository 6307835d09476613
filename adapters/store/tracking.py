"""Several tracking positions of one store, written in one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.persistence import ProcessRecorder, Tracking


def insert_trackings(recorder: ProcessRecorder, trackings: Iterable[Tracking]) -> None:
    """All of ``trackings`` or none: a crash cannot leave one position without the other.

    eventsourcing's public ``insert_tracking`` commits one row per transaction; its SQLite
    and PostgreSQL recorders share the private ``_insert_tracking(cursor, tracking)``
    this builds on (pinned by tests/integration/platform/test_outbox_positions.py).
    """
    with recorder.datastore.transaction(commit=True) as cursor:  # type: ignore[attr-defined]
        for tracking in trackings:
            recorder._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]
