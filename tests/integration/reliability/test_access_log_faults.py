"""An auditor's record is never lost: access-log entries survive failing commits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from services.coordination.access_log import AccessLogger, query_access_log
from services.coordination.application import CoordinationApplication

from .faults import FLAKY_COMMITS_TOPIC, CommitPlan, FlakyCommits


@pytest.fixture
def app(tmp_path: Path) -> Iterator[CoordinationApplication]:
    application = open_application(
        CoordinationApplication, StoreSettings(data_dir=tmp_path / "stores"), "coordination",
        PROCESS_RECORDER_TOPIC=FLAKY_COMMITS_TOPIC,
    )
    yield application
    application.close()


def _read(logger: AccessLogger, n: int) -> None:
    for index in range(n):
        logger.record(person_ref=f"p{index}", subject="revisor-1", role="auditor",
                      agency=None, resource="timeline")


def test_entries_whose_save_fails_as_database_is_locked_are_saved_later(
    app: CoordinationApplication,
) -> None:
    FlakyCommits.plan = plan = CommitPlan(first=1, times=3, tracked_only=False)
    logger = AccessLogger(app, lambda: datetime.now(UTC))
    _read(logger, 5)
    logger.flush()
    assert plan.failed == 3
    assert len(query_access_log(app.process_recorder)) == 5
    logger.close()


def test_closing_saves_what_is_queued_though_commits_fail(
    app: CoordinationApplication,
) -> None:
    FlakyCommits.plan = plan = CommitPlan(first=1, times=4, tracked_only=False)
    logger = AccessLogger(app, lambda: datetime.now(UTC))
    _read(logger, 7)
    logger.close()
    assert plan.failed == 4
    assert len(query_access_log(app.process_recorder)) == 7
