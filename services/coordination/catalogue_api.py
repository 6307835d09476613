"""``GET /catalogue``: the shared catalogue (insatskatalog), where there is room.

Offerings are the agencies' public information, not facts about a person: every
reader of the shared side (case workers of any agency, coordinators, auditors) sees
them all.
"""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromQuery

from services.coordination.application import CoordinationApplication
from services.coordination.catalogue import OfferingView, get_offerings
from services.runtime.clock import Clock


def catalogue_router(app: CoordinationApplication, clock: Clock) -> Router:
    @get(
        "/catalogue",
        sync_to_thread=True,
        tags=["catalogue"],
        summary="Offerings running today with free places, by target group and agency",
    )
    def list_catalogue(
        agency: FromQuery[str | None] = None,
        target_group: FromQuery[str | None] = None,
        with_room: FromQuery[bool] = True,
    ) -> list[OfferingView]:
        return get_offerings(
            app, day=clock().date(), agency=agency, target_group=target_group, with_room=with_room
        )

    return Router(path="/", route_handlers=[list_catalogue])
