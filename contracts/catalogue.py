"""Events about the agencies' offerings (insatskatalog), which every agency publishes.

Not person-bound: they describe what an agency offers and where there is room, so their
subjects end in the offering's id instead of a person reference (ADR 0020). An agency
publishes only its own offerings: the publisher is the agency of the type and the
subject, and coordination keys each offering by (publisher, offering_id).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from contracts.base import CatalogueEvent, InterventionType, Name, Text

Places = Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class OfferingPublished(CatalogueEvent, frozen=True, kw_only=True):
    """Insats publicerad: the publisher offers (or updates) an intervention in its catalogue.

    The latest by ``effective_at`` holds: publishing the same ``offering_id`` again
    replaces its description, target groups, places and period.
    """

    name: Annotated[Name, msgspec.Meta(description="The offering's name (e.g. 'Arbetsträning').")]
    description: Annotated[Text, msgspec.Meta(description="What it is and for whom.")]
    intervention_type: Annotated[
        InterventionType, msgspec.Meta(description="Kind of insats the offering is.")
    ]
    target_groups: Annotated[
        list[Name],
        msgspec.Meta(
            description=(
                "Målgrupper it is for, as in kommun.person-enrolled: 'langtidsarbetslos', "
                "'nyanland', 'ung', 'funktionsnedsattning', 'sjukskriven', "
                "'utanfor_12_manader'. Empty: open to everyone."
            )
        ),
    ]
    places_total: Annotated[Places, msgspec.Meta(description="Platser totalt.")]
    places_free: Annotated[
        Places, msgspec.Meta(description="Lediga platser now; at most places_total.")
    ]
    valid_from: Annotated[date, msgspec.Meta(description="First day the offering runs.")]
    valid_to: Annotated[
        date | None, msgspec.Meta(description="Last day it runs; null while open-ended.")
    ]


class OfferingPlacesChanged(CatalogueEvent, frozen=True, kw_only=True):
    """Lediga platser ändrade: the number of free places of one of the publisher's offerings."""

    places_free: Annotated[
        Places, msgspec.Meta(description="Lediga platser now; at most places_total.")
    ]


CATALOGUE_EVENTS: tuple[type[CatalogueEvent], ...] = (OfferingPublished, OfferingPlacesChanged)
