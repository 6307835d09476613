"""``GET /catalogue``: the shared catalogue (insatskatalog), where there is room.

Offerings are the agencies' public information, not facts about a person: every
reader of the shared side (case workers of any agency, coordinators, auditors) sees
them all.
"""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Router, get
from litestar.params import FromQuery

from domain.catalogue.listing import Listing
from services.coordination.application import CoordinationApplication
from services.coordination.catalogue import get_listings
from services.runtime.clock import Clock


class OfferingView(msgspec.Struct, frozen=True, kw_only=True):
    """One offering in the catalogue, with what is free now."""

    agency: str
    offering_id: str
    name: str
    description: str
    intervention_type: str
    target_groups: list[str]
    places_total: int
    places_free: int
    valid_from: date
    valid_to: date | None


def offering_view(listing: Listing) -> OfferingView:
    published = listing.published
    if published is None:  # pragma: no cover - get_listings returns published ones only
        raise ValueError(f"{listing.key} is not published")
    return OfferingView(
        agency=str(listing.agency),
        offering_id=listing.offering_id,
        name=published.name,
        description=published.description,
        intervention_type=str(published.intervention_type),
        target_groups=list(published.target_groups),
        places_total=published.places_total,
        places_free=listing.free,
        valid_from=published.valid_from,
        valid_to=published.valid_to,
    )


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
        listings = get_listings(
            app, day=clock().date(), agency=agency, target_group=target_group, with_room=with_room
        )
        return [offering_view(listing) for listing in listings]

    return Router(path="/", route_handlers=[list_catalogue])
