"""The coordination store's recorders: events, tracking and read models in one commit."""

from __future__ import annotations

from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteProcessRecorder

from adapters.store.chained_postgres import PostgresChain
from adapters.store.chained_sqlite import SQLiteChain
from adapters.store.read_models import ReadModelRecorder
from services.coordination.read_model import TABLES


class CoordinationSQLiteRecorder(SQLiteChain, ReadModelRecorder, SQLiteProcessRecorder):
    read_model_tables = TABLES


class CoordinationPostgresRecorder(PostgresChain, ReadModelRecorder, PostgresProcessRecorder):
    read_model_tables = TABLES


def recorder_env(postgres: bool) -> dict[str, str]:
    cls = CoordinationPostgresRecorder if postgres else CoordinationSQLiteRecorder
    return {"PROCESS_RECORDER_TOPIC": f"{cls.__module__}:{cls.__qualname__}"}
