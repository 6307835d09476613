"""Operations: producer gaps (messages published but never received here)."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from litestar import Router, get

from services.coordination.application import CoordinationApplication
from services.runtime.clock import Clock

GAP_GRACE = timedelta(seconds=30)
"""A batch is published concurrently, so a moment of disorder is no gap yet."""


class Gap(msgspec.Struct, kw_only=True):
    producer: str
    missing: int
    seen_after: int


def ops_router(app: CoordinationApplication, clock: Clock) -> Router:
    @get("/ops/gaps", sync_to_thread=True, tags=["ops"],
         summary="Positions a producer published that never reached the shared case")
    def gaps() -> list[Gap]:
        return [Gap(**row) for row in app.find_gaps(clock() - GAP_GRACE)]

    return Router(path="/", route_handlers=[gaps])
