"""``Listing`` — one agency's offering as the shared catalogue (insatskatalog) holds it.

Folded from the agencies' catalogue facts, which may arrive in any order (a republished
gap comes late): each part takes the fact with the latest ``Stamp`` (business time,
then registration time, then event id), so the same facts give the same listing
whatever the order (architecture invariant 5). What was published (name, target groups,
places in all, period) and how many places are free are two parts: a later change of
free places is not undone by an earlier publication arriving late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import msgspec

from domain.agencies import Agency, InterventionType


class Stamp(msgspec.Struct, frozen=True, order=True):
    """When a fact holds from; compared field by field, so the latest wins."""

    effective_at: datetime
    recorded_at: datetime
    event_id: str


class OfferingPublished(msgspec.Struct, frozen=True, kw_only=True):
    """The agency published (or updated) the offering."""

    agency: Agency
    offering_id: str
    stamp: Stamp
    name: str
    description: str
    intervention_type: InterventionType
    target_groups: tuple[str, ...]
    places_total: int
    places_free: int
    valid_from: date
    valid_to: date | None


class PlacesChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The agency says how many places of the offering are free now."""

    agency: Agency
    offering_id: str
    stamp: Stamp
    places_free: int


CatalogueFact = OfferingPublished | PlacesChanged


def listing_key(agency: Agency | str, offering_id: str) -> str:
    """Offerings are keyed by their publisher: an agency's id names only its own."""
    return f"{agency}:{offering_id}"


class Listing(msgspec.Struct, frozen=True, kw_only=True):
    """An offering in the catalogue. ``published`` is None until its publication arrives
    (a change of places may come first); such a listing is not shown."""

    agency: Agency
    offering_id: str
    published: OfferingPublished | None = None
    places_free: int = 0
    places_stamp: Stamp | None = None

    @classmethod
    def of(cls, fact: CatalogueFact) -> Listing:
        return cls(agency=fact.agency, offering_id=fact.offering_id).apply(fact)

    @property
    def key(self) -> str:
        return listing_key(self.agency, self.offering_id)

    def apply(self, fact: CatalogueFact) -> Listing:
        """This listing with ``fact`` folded in; an older fact changes only what it is
        the latest of."""
        if (fact.agency, fact.offering_id) != (self.agency, self.offering_id):
            raise ValueError(f"{fact.offering_id} of {fact.agency} is not listing {self.key}")
        listing = self
        if isinstance(fact, OfferingPublished) and (
            self.published is None or fact.stamp > self.published.stamp
        ):
            listing = msgspec.structs.replace(listing, published=fact)
        if self.places_stamp is None or fact.stamp > self.places_stamp:
            listing = msgspec.structs.replace(
                listing, places_free=fact.places_free, places_stamp=fact.stamp
            )
        return listing

    @property
    def free(self) -> int:
        """Free places now: never more than there are in all."""
        if self.published is None:
            return 0
        return max(0, min(self.places_free, self.published.places_total))

    def runs_on(self, day: date) -> bool:
        published = self.published
        return (
            published is not None
            and published.valid_from <= day
            and (published.valid_to is None or day <= published.valid_to)
        )

    def has_room(self, day: date) -> bool:
        """Published, running on ``day`` and with a free place (det finns plats)."""
        return self.runs_on(day) and self.free > 0

    def fits(self, target_groups: Iterable[str]) -> bool:
        """Open to everyone, or to one of the person's target groups (målgrupper)."""
        if self.published is None:
            return False
        wanted = set(self.published.target_groups)
        return not wanted or bool(wanted & set(target_groups))


def fold(listing: Listing | None, facts: Iterable[CatalogueFact]) -> Listing | None:
    """``listing`` (None when new) with ``facts`` folded in, in any order."""
    for fact in facts:
        listing = Listing.of(fact) if listing is None else listing.apply(fact)
    return listing
