"""Where there is room (lediga platser): the catalogue as the case worker's pages show it.

The caseload says how many offerings have free places; a case shows those that fit the
person (one of their target groups, or open to everyone) and names the offering a
hand-off proposes; the catalogue page lists them all, by agency and target group.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import msgspec

from services.coordination.application import CoordinationApplication
from services.coordination.catalogue import (
    OfferingView,
    get_listing,
    get_listings,
    get_offerings,
    offering_view,
)

TARGET_GROUPS = {
    "langtidsarbetslos": "Långtidsarbetslösa",
    "nyanland": "Nyanlända",
    "ung": "Unga",
    "funktionsnedsattning": "Personer med funktionsnedsättning",
    "sjukskriven": "Sjukskrivna",
    "utanfor_12_manader": "Mer än 12 månader utanför arbetsmarknaden",
}
"""The target groups (målgrupper) follow-up splits by, as kommun.person-enrolled names them."""
SHOWN_ON_A_CASE = 6


def target_group_label(key: object) -> str:
    return TARGET_GROUPS.get(str(key), str(key))


class RoomSummary(msgspec.Struct, frozen=True, kw_only=True):
    offerings: int
    places: int


def room_for(
    app: CoordinationApplication,
    target_groups: Iterable[str],
    day: date,
    limit: int = SHOWN_ON_A_CASE,
) -> list[OfferingView]:
    """Offerings with free places today that fit the person: for one of their target
    groups or for everyone; when their groups are unknown, all, most places first."""
    groups = tuple(target_groups)
    items = [offering_view(listing, groups) for listing in get_listings(app, day=day)]
    if groups:
        items = [item for item in items if item.fits]
    return items[:limit]


def room_summary(app: CoordinationApplication, day: date) -> RoomSummary:
    """How many offerings have free places today, and how many places in all."""
    items = get_offerings(app, day=day)
    return RoomSummary(offerings=len(items), places=sum(item.places_free for item in items))


def offering_label(app: CoordinationApplication, agency: str, offering_id: str) -> str:
    """The offering a hand-off proposes, by name and free places when the catalogue
    holds it; its id when it does not (yet)."""
    listing = get_listing(app, agency, offering_id)
    if listing is None or listing.published is None:
        return offering_id
    places = "1 ledig plats" if listing.free == 1 else f"{listing.free} lediga platser"
    return f"{listing.published.name} ({places})"
