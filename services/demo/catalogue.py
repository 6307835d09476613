"""The demo's catalogue (insatskatalog): a few offerings per agency, some of them full.

Published through each agency's own ``POST /catalogue``, as its system would. The ids
are fixed, so loading the demo again updates the same offerings.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

OfferingBody = dict[str, Any]


def _offering(
    offering_id: str,
    name: str,
    description: str,
    intervention_type: str,
    target_groups: list[str],
    places_total: int,
    places_free: int,
) -> OfferingBody:
    return {
        "offering_id": offering_id,
        "name": name,
        "description": description,
        "intervention_type": intervention_type,
        "target_groups": target_groups,
        "places_total": places_total,
        "places_free": places_free,
    }


OFFERINGS: dict[str, list[OfferingBody]] = {
    "kommun": [
        _offering(
            "o-arbetstraning-ame",
            "Arbetsträning vid AME",
            "Arbetsträning 25–100 % i kommunens verksamheter, med handledare.",
            "arbetstraning",
            ["langtidsarbetslos", "utanfor_12_manader"],
            20,
            4,
        ),
        _offering(
            "o-praktik-kommunal",
            "Praktik i kommunal verksamhet",
            "Praktik i förskola, kök eller park, upp till sex månader.",
            "praktik",
            ["ung", "nyanland"],
            12,
            2,
        ),
        _offering(
            "o-studie-och-yrkesvagledning",
            "Studie- och yrkesvägledning",
            "Samtal med studie- och yrkesvägledare om vägar till studier.",
            "studier",
            [],
            30,
            11,
        ),
        _offering(
            "o-validering-vard",
            "Validering inom vård och omsorg",
            "Validering av yrkeskunnande mot undersköterskeutbildningen.",
            "validering",
            ["nyanland"],
            8,
            0,
        ),
    ],
    "af": [
        _offering(
            "o-rusta-och-matcha",
            "Rusta och matcha",
            "Stöd från en leverantör att söka och få arbete.",
            "matchning",
            ["langtidsarbetslos", "ung"],
            40,
            9,
        ),
        _offering(
            "o-arbetsmarknadsutbildning-logistik",
            "Arbetsmarknadsutbildning lager och logistik",
            "Yrkesutbildning 16 veckor med truckkort.",
            "arbetsmarknadsprogram",
            [],
            16,
            3,
        ),
    ],
    "fk": [
        _offering(
            "o-arbetslivsinriktad-rehabilitering",
            "Arbetslivsinriktad rehabilitering",
            "Köpt rehabilitering med arbetsprövning för den som är sjukskriven.",
            "rehabilitering",
            ["sjukskriven"],
            10,
            2,
        ),
        _offering(
            "o-aktivitetsersattning-aktiviteter",
            "Aktiviteter för unga med aktivitetsersättning",
            "Gruppaktiviteter som förbereder för studier eller arbete.",
            "halsospar",
            ["ung", "funktionsnedsattning"],
            12,
            0,
        ),
    ],
    "region": [
        _offering(
            "o-fysioterapi-i-grupp",
            "Fysioterapi i grupp",
            "Fysisk träning och smärthantering i grupp, åtta veckor.",
            "rehabilitering",
            ["sjukskriven", "funktionsnedsattning"],
            12,
            5,
        ),
        _offering(
            "o-halsosparet",
            "Hälsospåret",
            "Stödsamtal och aktivitet för att orka mer, i samverkan med AME.",
            "halsospar",
            ["sjukskriven", "langtidsarbetslos"],
            15,
            1,
        ),
    ],
}
"""Each agency's offerings; free places of 0 mark the full ones."""

HAND_OFF_OFFERINGS = {"af": "o-rusta-och-matcha", "region": "o-fysioterapi-i-grupp"}
"""The offering a demo hand-off to this agency proposes."""


def catalogue_bodies(agency: str, today: date) -> list[OfferingBody]:
    """The agency's offerings, running from a year back; every third ends in a quarter."""
    bodies = []
    for index, body in enumerate(OFFERINGS.get(agency, [])):
        ends = today + timedelta(days=90) if index % 3 == 2 else None
        bodies.append(
            body
            | {
                "valid_from": (today - timedelta(days=365)).isoformat(),
                "valid_to": ends.isoformat() if ends else None,
            }
        )
    return bodies
