"""``Offering`` — one intervention an agency offers in the shared catalogue (insatskatalog).

Not about a person: the agency publishes what it runs, for whom, and where there is
room (lediga platser). Each agency's store holds only its own offerings, so an agency
can publish and change only its own (ADR 0008). Event names equal the contracts'.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.agencies import InterventionType
from domain.agency.errors import Invalid

OFFERING_NS = UUID("3c0f9a52-8d4e-4b1a-a7f6-5e2d9c8b1f34")


class Offering(Aggregate):
    """Insats i katalogen: name, target groups, places and the period it runs."""

    @staticmethod
    def create_id(offering_id: str, **_: Any) -> UUID:
        return uuid5(OFFERING_NS, offering_id)

    @event("Opened")
    def __init__(self, *, offering_id: str, effective_at: datetime, recorded_at: datetime) -> None:
        self.offering_id = offering_id
        self.name: str | None = None
        self.places_total = 0
        self.places_free = 0

    def publish_offering(
        self,
        *,
        name: str,
        description: str,
        intervention_type: InterventionType,
        target_groups: list[str],
        places_total: int,
        places_free: int,
        valid_from: date,
        valid_to: date | None,
        effective_at: datetime,
        recorded_at: datetime,
    ) -> None:
        """Publish the offering, or replace what was published about it."""
        _check_places(places_free, places_total)
        if valid_to is not None and valid_to < valid_from:
            raise Invalid(
                f"the offering ends ({valid_to}) before it starts ({valid_from})",
                field="valid_to",
            )
        self._published(
            self.offering_id,
            name,
            description,
            intervention_type,
            target_groups,
            places_total,
            places_free,
            valid_from,
            valid_to,
            effective_at,
            recorded_at,
        )

    @event("OfferingPublished")
    def _published(
        self,
        offering_id: str,
        name: str,
        description: str,
        intervention_type: InterventionType,
        target_groups: list[str],
        places_total: int,
        places_free: int,
        valid_from: date,
        valid_to: date | None,
        effective_at: datetime,
        recorded_at: datetime,
    ) -> None:
        self.name = name
        self.places_total = places_total
        self.places_free = places_free

    def change_places(
        self, *, places_free: int, effective_at: datetime, recorded_at: datetime
    ) -> None:
        """Say how many places are free now (lediga platser)."""
        if self.name is None:
            raise Invalid(f"offering {self.offering_id} is not published", field="offering_id")
        _check_places(places_free, self.places_total)
        self._places_changed(self.offering_id, places_free, effective_at, recorded_at)

    @event("OfferingPlacesChanged")
    def _places_changed(
        self, offering_id: str, places_free: int, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.places_free = places_free


def _check_places(places_free: int, places_total: int) -> None:
    if places_free > places_total:
        raise Invalid(
            f"{places_free} free places is more than the {places_total} there are",
            field="places_free",
        )
