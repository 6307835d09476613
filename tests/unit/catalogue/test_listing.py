"""The catalogue's fold: the same facts give the same listing, whatever their order."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.agencies import Agency, InterventionType
from domain.agency.errors import Invalid
from domain.agency.offering import Offering
from domain.catalogue.listing import (
    CatalogueFact,
    Listing,
    OfferingPublished,
    PlacesChanged,
    Stamp,
    fold,
)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DAY = date(2026, 3, 2)


def stamp(hours: int, event_id: str) -> Stamp:
    at = T0 + timedelta(hours=hours)
    return Stamp(effective_at=at, recorded_at=at, event_id=event_id)


def published(
    hours: int,
    *,
    name: str = "Arbetsträning",
    total: int = 10,
    free: int = 4,
    groups: tuple[str, ...] = ("ung",),
    agency: Agency = Agency.KOMMUN,
    valid_to: date | None = None,
) -> OfferingPublished:
    return OfferingPublished(
        agency=agency,
        offering_id="o-arbetstraning",
        stamp=stamp(hours, f"pub-{hours}"),
        name=name,
        description="Arbetsträning med handledare",
        intervention_type=InterventionType.WORK_TRAINING,
        target_groups=groups,
        places_total=total,
        places_free=free,
        valid_from=date(2026, 1, 1),
        valid_to=valid_to,
    )


def places(hours: int, free: int) -> PlacesChanged:
    return PlacesChanged(
        agency=Agency.KOMMUN,
        offering_id="o-arbetstraning",
        stamp=stamp(hours, f"places-{hours}"),
        places_free=free,
    )


def test_the_same_facts_in_any_order_give_the_same_listing() -> None:
    facts: list[CatalogueFact] = [
        published(0),
        places(1, 3),
        published(2, name="Arbetsträning 2.0"),
        places(3, 1),
    ]
    listings = {fold(None, order) for order in itertools.permutations(facts)}
    assert len(listings) == 1
    (listing,) = listings
    assert listing is not None
    assert listing.published is not None
    assert listing.published.name == "Arbetsträning 2.0"
    assert listing.free == 1


def test_a_late_publication_does_not_undo_a_later_change_of_free_places() -> None:
    listing = fold(None, [places(5, 0), published(1, free=7)])
    assert listing is not None
    assert listing.published is not None and listing.free == 0


def test_a_change_of_places_before_its_publication_is_kept_but_not_shown() -> None:
    listing = Listing.of(places(1, 2))
    assert listing.published is None
    assert not listing.has_room(DAY)
    assert listing.apply(published(0, free=9)).free == 2


def test_free_places_never_exceed_the_places_in_all() -> None:
    listing = fold(None, [published(0, total=3, free=3), places(1, 2), published(2, total=1)])
    assert listing is not None and listing.free == 1


def test_room_needs_a_free_place_within_the_period() -> None:
    ended = fold(None, [published(0, valid_to=date(2026, 2, 1))])
    full = fold(None, [published(0), places(1, 0)])
    open_ = fold(None, [published(0)])
    assert ended is not None and full is not None and open_ is not None
    assert not ended.has_room(DAY)
    assert not full.has_room(DAY)
    assert open_.has_room(DAY)


def test_an_offering_fits_its_target_groups_or_everyone_when_it_names_none() -> None:
    for_young = Listing.of(published(0, groups=("ung",)))
    for_all = Listing.of(published(0, groups=()))
    assert for_young.fits(["nyanland", "ung"])
    assert not for_young.fits(["nyanland"])
    assert for_all.fits(["nyanland"])


def test_another_agencys_offering_is_never_folded_into_this_one() -> None:
    listing = Listing.of(published(0))
    with pytest.raises(ValueError, match="not listing"):
        listing.apply(published(1, agency=Agency.AF))


def publish(offering: Offering, **overrides: Any) -> None:
    values: dict[str, Any] = {
        "name": "n",
        "description": "d",
        "intervention_type": InterventionType.MATCHING,
        "target_groups": [],
        "places_total": 2,
        "places_free": 1,
        "valid_from": DAY,
        "valid_to": None,
        "effective_at": T0,
        "recorded_at": T0,
    }
    offering.publish_offering(**values | overrides)


def new_offering() -> Offering:
    return Offering(offering_id="o-x", effective_at=T0, recorded_at=T0)


def test_an_agency_cannot_publish_more_free_places_than_there_are() -> None:
    with pytest.raises(Invalid, match="more than"):
        publish(new_offering(), places_free=3)


def test_an_offering_cannot_end_before_it_starts() -> None:
    with pytest.raises(Invalid, match="before it starts"):
        publish(new_offering(), valid_to=DAY - timedelta(days=1))


def test_free_places_change_only_on_a_published_offering_and_within_its_places() -> None:
    offering = new_offering()
    with pytest.raises(Invalid, match="not published"):
        offering.change_places(places_free=1, effective_at=T0, recorded_at=T0)
    publish(offering)
    with pytest.raises(Invalid, match="more than"):
        offering.change_places(places_free=3, effective_at=T0, recorded_at=T0)
    offering.change_places(places_free=0, effective_at=T0, recorded_at=T0)
    assert offering.places_free == 0
