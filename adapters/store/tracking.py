"""Several tracking positions of one store, written in one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.persistence import ProcessRecorder, Tracking

from adapters.store.joinable import joint_transaction


def insert_trackings(recorder: ProcessRecorder, trackings: Iterable[Tracking]) -> None:
    """All of ``trackings`` or none: a crash cannot leave one position without the other.

    eventsourcing's public ``insert_tracking`` commits one row per transaction; inside a
    joint transaction (``adapters.store.joinable``) each joins it instead.
    """
    with joint_transaction(recorder):
        for tracking in trackings:
            recorder.insert_tracking(tracking)
