"""The writers' case cache never outlives a failed commit, and a stale case is reloaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.persistence import RecordConflictError, Tracking

from domain.agencies import Agency
from domain.case import Case, Noted
from services.coordination.application import SNAPSHOT_EVERY, CoordinationApplication
from services.coordination.service import open_coordination
from services.settings import Settings

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def note(ref: str, n: int) -> tuple[str, Noted]:
    at = T0 + timedelta(hours=n)
    return ref, Noted(event_id=f"{ref}:{n}", agency=Agency.AF, effective_at=at,
                      recorded_at=at, summary="möte", topic="mote")  # fmt: skip


def stored_facts(app: CoordinationApplication, ref: str) -> list[str]:
    """What the store holds: ``get_case`` reads it (the repository caches nothing)."""
    return [fact.event_id for fact in app.get_case(ref).facts]


def test_a_case_whose_commit_failed_is_reloaded_from_the_store(
    coordination: CoordinationApplication,
) -> None:
    ref = "pcachefailedcommit"
    coordination.ingest([note(ref, 0)], now=T0, tracking=Tracking("cache-test", 5))
    assert coordination.cases.get(Case.create_id(ref)) is not None
    # The same position again: the commit fails on the tracking record, after the case
    # took the new fact in memory.
    with pytest.raises(RecordConflictError):
        coordination.ingest([note(ref, 1)], now=T0, tracking=Tracking("cache-test", 5))
    assert coordination.cases.get(Case.create_id(ref)) is None
    coordination.ingest([note(ref, 2)], now=T0)
    assert stored_facts(coordination, ref) == [f"{ref}:0", f"{ref}:2"]
    cached = coordination.cases.get(Case.create_id(ref))
    assert cached is not None
    assert [fact.event_id for fact in cached.facts] == [f"{ref}:0", f"{ref}:2"]


def test_a_case_changed_by_another_writer_is_reloaded_and_the_batch_applied(
    settings: Settings, coordination: CoordinationApplication,
) -> None:
    ref = "pcachestale"
    other = open_coordination(settings)  # another replica on the same store
    try:
        coordination.ingest([note(ref, 0)], now=T0)
        other.ingest([note(ref, 1)], now=T0)
        coordination.ingest([note(ref, 2)], now=T0)  # its cached case is one version behind
    finally:
        other.close()
    assert stored_facts(coordination, ref) == [f"{ref}:0", f"{ref}:1", f"{ref}:2"]


def test_a_long_case_loads_from_its_snapshot_with_the_same_state(
    settings: Settings, coordination: CoordinationApplication,
) -> None:
    ref = "pcachesnapshot"
    facts = [note(ref, n) for n in range(SNAPSHOT_EVERY + 10)]
    for start in range(0, len(facts), 50):
        coordination.ingest(facts[start : start + 50], now=T0)
    assert coordination.snapshots is not None
    case_id = Case.create_id(ref)
    assert list(coordination.snapshots.get(case_id, desc=True, limit=1))
    cold = open_coordination(settings)
    try:
        loaded = cold.get_case(ref)
    finally:
        cold.close()
    cached = coordination.cases.get(case_id)
    assert cached is not None
    assert (loaded.version, loaded.facts, loaded.state) == (
        cached.version, cached.facts, cached.state,
    )  # fmt: skip
