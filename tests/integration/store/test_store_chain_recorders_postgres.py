"""eventsourcing's own recorder test cases, run on the chained PostgreSQL recorders.

Each test owns a fresh schema (dropped afterwards). After each test every store it wrote
is verified, so the running store hash holds under ``test_concurrent_*``'s writers: it
relies on eventsourcing's ``LOCK TABLE ... IN EXCLUSIVE MODE`` serialising inserts.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)

from adapters.store.chained_postgres import (
    ChainedPostgresApplicationRecorder,
    ChainedPostgresProcessRecorder,
    PostgresChain,
)
from adapters.store.verify import verify_store
from tests.integration.store.store_chain_support import (
    create_schema,
    drop_schema,
    postgres_datastore,
    postgres_url,
)

pytestmark = pytest.mark.postgres


class ChainedPostgresCase:
    """Builds chained recorders in a fresh schema and verifies them afterwards."""

    originator_id_type = "uuid"
    recorders: list[PostgresChain]

    def setUp(self) -> None:
        self.url = postgres_url()
        self.schema = create_schema(self.url)
        self.datastore = postgres_datastore(
            self.url, self.schema, originator_id_type=self.originator_id_type
        )
        self.recorders = []

    def tearDown(self) -> None:
        try:
            for recorder in self.recorders:
                report = verify_store(recorder)
                assert report.ok, report.failure
        finally:
            self.datastore.close()
            drop_schema(self.url, self.schema)

    def chained(self, cls: type[PostgresChain]) -> PostgresChain:
        recorder = cls(self.datastore)
        recorder.create_table()
        self.recorders.append(recorder)
        return recorder


class WithTextOriginatorIDs:
    originator_id_type = "text"

    def new_originator_id(self) -> UUID | str:
        return f"test-{uuid4()}"


class TestChainedPostgresApplicationRecorder(
    ChainedPostgresCase, ApplicationRecorderTestCase[ChainedPostgresApplicationRecorder]
):
    def create_recorder(self) -> ChainedPostgresApplicationRecorder:
        recorder = self.chained(ChainedPostgresApplicationRecorder)
        assert isinstance(recorder, ChainedPostgresApplicationRecorder)
        return recorder


class TestChainedPostgresApplicationRecorderWithTextIDs(
    WithTextOriginatorIDs, TestChainedPostgresApplicationRecorder
):
    pass


class TestChainedPostgresProcessRecorder(ChainedPostgresCase, ProcessRecorderTestCase):
    def create_recorder(self) -> ChainedPostgresProcessRecorder:
        recorder = self.chained(ChainedPostgresProcessRecorder)
        assert isinstance(recorder, ChainedPostgresProcessRecorder)
        return recorder


class TestChainedPostgresProcessRecorderWithTextIDs(
    WithTextOriginatorIDs, TestChainedPostgresProcessRecorder
):
    pass


class TestChainedPostgresProcessRecorderTracking(ChainedPostgresCase, TrackingRecorderTestCase):
    def create_recorder(self) -> ChainedPostgresProcessRecorder:
        recorder = self.chained(ChainedPostgresProcessRecorder)
        assert isinstance(recorder, ChainedPostgresProcessRecorder)
        return recorder
