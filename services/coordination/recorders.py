"""The coordination store's recorders: events, tracking and read models in one commit."""

from __future__ import annotations

from adapters.store.chained_postgres import ChainedPostgresProcessRecorder
from adapters.store.chained_sqlite import ChainedSQLiteProcessRecorder
from adapters.store.read_models import ReadModelRecorder
from services.coordination.read_model import TABLES


# The mixin's ``_insert_events`` takes any cursor (it serves both backends), while
# eventsourcing's recorders each declare their own driver's cursor type: the private
# signatures cannot agree, so mypy's base-class compatibility check is ignored here.
class CoordinationSQLiteRecorder(  # type: ignore[misc]
    ReadModelRecorder, ChainedSQLiteProcessRecorder
):
    read_model_tables = TABLES


class CoordinationPostgresRecorder(  # type: ignore[misc]  # see above
    ReadModelRecorder, ChainedPostgresProcessRecorder
):
    read_model_tables = TABLES


def recorder_env(postgres: bool) -> dict[str, str]:
    cls = CoordinationPostgresRecorder if postgres else CoordinationSQLiteRecorder
    return {"PROCESS_RECORDER_TOPIC": f"{cls.__module__}:{cls.__qualname__}"}
