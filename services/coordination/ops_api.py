"""Operations: producer gaps (messages published but never received here)."""

from __future__ import annotations

from litestar import Router, get

from services.coordination.application import CoordinationApplication
from services.coordination.gaps import Gap, open_gaps
from services.runtime.clock import Clock


def ops_router(app: CoordinationApplication, clock: Clock) -> Router:
    @get("/ops/gaps", sync_to_thread=True, tags=["ops"],
         summary="Runs of positions a producer published that never reached the shared case")
    def gaps() -> list[Gap]:
        return open_gaps(app, clock())

    return Router(path="/", route_handlers=[gaps])
