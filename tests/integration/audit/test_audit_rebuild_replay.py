"""A full replay rebuilds the same projections; the replay reads every event."""

from __future__ import annotations

from pathlib import Path

from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from services.audit.rebuild import rebuild_and_diff
from services.audit.replay import replay_store
from services.coordination.application import CoordinationApplication
from services.coordination.queries import read_models
from services.coordination.recorders import recorder_env

from .caseload import ingest_caseload


def fresh_store(path: Path) -> CoordinationApplication:
    return open_application(CoordinationApplication, StoreSettings(data_dir=path),
                            "coordination", init=None, **recorder_env(False))


def test_rebuilding_the_projections_from_the_case_events_matches_the_live_ones(
    coordination: CoordinationApplication, tmp_path: Path,
) -> None:
    ingest_caseload(coordination, 40)
    fresh = fresh_store(tmp_path / "rebuild")
    try:
        report = rebuild_and_diff(coordination, fresh)
    finally:
        fresh.close()
    assert report.cases == 40
    assert report.rows["indicator_case"] == 40
    assert report.rows["alert_index"] > 0
    assert report.differences == []


def test_a_projection_row_changed_behind_the_application_is_reported(
    coordination: CoordinationApplication, tmp_path: Path,
) -> None:
    refs = ingest_caseload(coordination, 5)
    recorder = read_models(coordination)
    with recorder.datastore.transaction(commit=True) as cursor:
        table = recorder.qualified("indicator_case")
        sql = f"UPDATE {table} SET exit_outcome = 'arbete' WHERE person_ref = ?"
        cursor.execute(recorder.sql(sql), (refs[0],))
    fresh = fresh_store(tmp_path / "rebuild")
    try:
        report = rebuild_and_diff(coordination, fresh)
    finally:
        fresh.close()
    [difference] = report.differences
    assert (difference.table, difference.kind) == ("indicator_case", "differs")
    assert difference.columns["exit_outcome"][1] == "arbete"


def test_replay_reads_every_event_in_order_through_the_mapper(
    coordination: CoordinationApplication,
) -> None:
    ingest_caseload(coordination, 20)
    result = replay_store(coordination)
    assert result.events == coordination.recorder.max_notification_id()
    assert result.aggregates == 20
    assert result.by_type["Case.Opened"] == 20
    assert result.ok
