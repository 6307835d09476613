"""Operations: producer gaps (messages published but never received here)."""

from __future__ import annotations

from datetime import timedelta

from litestar import Router, get

from services.coordination.application import CoordinationApplication
from services.coordination.gaps import GAP_GRACE, Gap, open_gaps
from services.runtime.clock import Clock


def ops_router(app: CoordinationApplication, clock: Clock, grace: timedelta = GAP_GRACE) -> Router:
    @get(
        "/ops/gaps",
        sync_to_thread=True,
        tags=["ops"],
        summary="Runs of positions a producer published that never reached the shared case",
    )
    def gaps() -> list[Gap]:
        return open_gaps(app, clock(), grace)

    return Router(path="/", route_handlers=[gaps])
