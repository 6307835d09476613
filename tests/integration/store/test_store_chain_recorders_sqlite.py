"""eventsourcing's own recorder test cases, run on the chained SQLite recorders.

After each test every store it wrote is verified, so the chains hold under the
concurrent writers of ``test_concurrent_*`` too.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Literal
from uuid import UUID, uuid4

from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)

from adapters.store.chained_sqlite import (
    ChainedSQLiteApplicationRecorder,
    ChainedSQLiteProcessRecorder,
    SQLiteChain,
)
from adapters.store.verify import verify_store


class ChainedSQLiteCase:
    """Builds chained recorders on a fresh database and verifies them afterwards."""

    originator_id_type: Literal["uuid", "text"] = "uuid"
    db_name = ":memory:"
    recorders: list[SQLiteChain]

    def setUp(self) -> None:
        self.recorders = []
        self.tmp = Path(tempfile.mkdtemp(prefix="samlad-chain-"))

    def tearDown(self) -> None:
        for recorder in self.recorders:
            report = verify_store(recorder)
            assert report.ok, report.failure
            recorder.datastore.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def use_file_db(self) -> None:
        self.db_name = f"file:{self.tmp / 'events.sqlite'}"

    def chained(self, cls: type[SQLiteChain]) -> SQLiteChain:
        datastore = SQLiteDatastore(
            db_name=self.db_name, pool_size=100, originator_id_type=self.originator_id_type
        )
        recorder = cls(datastore)
        recorder.create_table()
        self.recorders.append(recorder)
        return recorder


class WithTextOriginatorIDs:
    originator_id_type: Literal["uuid", "text"] = "text"

    def new_originator_id(self) -> UUID | str:
        return f"test-{uuid4()}"


class TestChainedSQLiteApplicationRecorder(
    ChainedSQLiteCase, ApplicationRecorderTestCase[ChainedSQLiteApplicationRecorder]
):
    def create_recorder(self) -> ChainedSQLiteApplicationRecorder:
        recorder = self.chained(ChainedSQLiteApplicationRecorder)
        assert isinstance(recorder, ChainedSQLiteApplicationRecorder)
        return recorder

    def test_concurrent_no_conflicts(self, initial_position: int = 0) -> None:
        self.use_file_db()
        super().test_concurrent_no_conflicts(initial_position)

    def test_concurrent_throughput(self) -> None:
        self.use_file_db()
        super().test_concurrent_throughput()


class TestChainedSQLiteApplicationRecorderWithTextIDs(
    WithTextOriginatorIDs, TestChainedSQLiteApplicationRecorder
):
    pass


class TestChainedSQLiteProcessRecorder(ChainedSQLiteCase, ProcessRecorderTestCase):
    def create_recorder(self) -> ChainedSQLiteProcessRecorder:
        recorder = self.chained(ChainedSQLiteProcessRecorder)
        assert isinstance(recorder, ChainedSQLiteProcessRecorder)
        return recorder


class TestChainedSQLiteProcessRecorderWithTextIDs(
    WithTextOriginatorIDs, TestChainedSQLiteProcessRecorder
):
    pass


class TestChainedSQLiteProcessRecorderTracking(ChainedSQLiteCase, TrackingRecorderTestCase):
    def create_recorder(self) -> ChainedSQLiteProcessRecorder:
        recorder = self.chained(ChainedSQLiteProcessRecorder)
        assert isinstance(recorder, ChainedSQLiteProcessRecorder)
        return recorder
