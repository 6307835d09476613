"""The shared catalogue (insatskatalog) on the coordination side: facts in, lists out.

The agencies' catalogue events reach coordination through the same partition consumers
as their facts about persons (so each producer's positions stay gap-free, ADR 0020),
but go into the catalogue read model instead of a case. An offering's events share a
partition (its id is the subject's last token), so one consumer at a time folds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import msgspec

from adapters.store.read_models import Upsert
from contracts import catalogue as contract
from contracts.envelope import Received
from domain.agencies import Agency, InterventionType
from domain.catalogue.listing import (
    CatalogueFact,
    Listing,
    OfferingPublished,
    PlacesChanged,
    Stamp,
    fold,
    listing_key,
)
from services.coordination.application import CoordinationApplication
from services.coordination.queries import read_models
from services.coordination.read_model import CATALOGUE

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Listing)


class OfferingView(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One offering in the catalogue, with what is free now; ``fits`` says whether it is
    for a person's target groups, where that was asked."""

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
    fits: bool | None = None


def offering_view(listing: Listing, target_groups: Iterable[str] | None = None) -> OfferingView:
    published = listing.published
    if published is None:  # pragma: no cover - the queries return published ones only
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
        fits=None if target_groups is None else listing.fits(target_groups),
    )


class NotACatalogueEvent(ValueError):
    """The message is a contract event, but not one of the catalogue's."""


def catalogue_fact(received: Received) -> CatalogueFact:
    """The catalogue fact an agency's catalogue event stands for."""
    event = received.event
    stamp = Stamp(
        effective_at=event.effective_at,
        recorded_at=event.recorded_at,
        event_id=received.envelope.id,
    )
    agency = Agency(received.spec.agency)
    if isinstance(event, contract.OfferingPublished):
        return OfferingPublished(
            agency=agency,
            offering_id=event.offering_id,
            stamp=stamp,
            name=event.name,
            description=event.description,
            intervention_type=InterventionType(event.intervention_type),
            target_groups=tuple(event.target_groups),
            places_total=event.places_total,
            places_free=event.places_free,
            valid_from=event.valid_from,
            valid_to=event.valid_to,
        )
    if isinstance(event, contract.OfferingPlacesChanged):
        return PlacesChanged(
            agency=agency, offering_id=event.offering_id, stamp=stamp, places_free=event.places_free
        )
    raise NotACatalogueEvent(f"{received.spec.type} is not a catalogue event")


def _groups(listing: Listing) -> str:
    groups = listing.published.target_groups if listing.published else ()
    return "," + ",".join(sorted(groups)) + ","


def _row(listing: Listing) -> dict[str, object]:
    published = listing.published
    return {
        "listing_key": listing.key,
        "agency": str(listing.agency),
        "offering_id": listing.offering_id,
        "name": published.name if published else None,
        "intervention_type": str(published.intervention_type) if published else None,
        "target_groups": _groups(listing),
        "places_free": listing.free,
        "valid_from": published.valid_from.isoformat() if published else None,
        "valid_to": published.valid_to.isoformat() if published and published.valid_to else None,
        "listing": _encoder.encode(listing).decode(),
    }


def get_listings_by_key(app: CoordinationApplication, keys: Sequence[str]) -> dict[str, Listing]:
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = read_models(app).query(
        f"SELECT listing FROM {{catalogue_index}} WHERE listing_key IN ({marks})", list(keys)
    )
    listings = (_decoder.decode(row["listing"]) for row in rows)
    return {listing.key: listing for listing in listings}


def catalogue_changes(app: CoordinationApplication, facts: Sequence[CatalogueFact]) -> list[Upsert]:
    """The catalogue rows ``facts`` change, folded onto what the store holds.

    Reads before the commit it joins: safe because one partition consumer alone folds
    a given offering (its events share a partition).
    """
    by_key: dict[str, list[CatalogueFact]] = {}
    for fact in facts:
        by_key.setdefault(listing_key(fact.agency, fact.offering_id), []).append(fact)
    held = get_listings_by_key(app, list(by_key))
    changes = []
    for key, new in by_key.items():
        listing = fold(held.get(key), new)
        if listing is not None:
            changes.append(Upsert(CATALOGUE.name, _row(listing)))
    return changes


def get_listings(
    app: CoordinationApplication,
    *,
    day: date,
    agency: str | None = None,
    target_group: str | None = None,
    with_room: bool = True,
    limit: int = 200,
) -> list[Listing]:
    """Published offerings running on ``day``: with free places unless ``with_room`` is
    False; by agency; for a target group (offerings open to everyone included)."""
    today = day.isoformat()
    where = ["name IS NOT NULL", "valid_from <= ?", "(valid_to IS NULL OR valid_to >= ?)"]
    params: list[object] = [today, today]
    if with_room:
        where.append("places_free > 0")
    if agency:
        where.append("agency = ?")
        params.append(agency)
    if target_group:
        where.append("(target_groups LIKE ? OR target_groups = ',,')")
        params.append(f"%,{target_group},%")
    rows = read_models(app).query(
        f"SELECT listing FROM {{catalogue_index}} WHERE {' AND '.join(where)} "
        "ORDER BY places_free DESC, agency, name LIMIT ?",
        [*params, limit],
    )
    return [_decoder.decode(row["listing"]) for row in rows]


def get_offerings(
    app: CoordinationApplication,
    *,
    day: date,
    agency: str | None = None,
    target_group: str | None = None,
    with_room: bool = True,
) -> list[OfferingView]:
    """``get_listings`` as the API and the catalogue page show them."""
    listings = get_listings(
        app, day=day, agency=agency, target_group=target_group, with_room=with_room
    )
    return [offering_view(listing) for listing in listings]


def get_listing(app: CoordinationApplication, agency: str, offering_id: str) -> Listing | None:
    return get_listings_by_key(app, [listing_key(agency, offering_id)]).get(
        listing_key(agency, offering_id)
    )
