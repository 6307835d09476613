"""The parties and the shared vocabulary every context speaks.

``Agency`` — myndighet/huvudman; ``Outcome`` — avslutsorsak (SUS categories);
``InterventionType`` — insatstyp.
"""

from __future__ import annotations

from enum import StrEnum


class Agency(StrEnum):
    """One of the four parties of the samordningsförbund."""

    KOMMUN = "kommun"
    AF = "af"
    FK = "fk"
    REGION = "region"


class Outcome(StrEnum):
    """Exit outcome (avslut) as reported to SUS and in final reports."""

    WORK = "arbete"
    STUDIES = "studier"
    WORK_PLACEMENT = "praktik"
    SEEKING_WORK = "soker_arbete"
    OTHER = "annat"


class InterventionType(StrEnum):
    """Kind of intervention (insats); the same type at two agencies is duplicated work."""

    WORK_TRAINING = "arbetstraning"
    WORK_PLACEMENT = "praktik"
    VALIDATION = "validering"
    MATCHING = "matchning"
    STUDIES = "studier"
    HEALTH_TRACK = "halsospar"
    REHABILITATION = "rehabilitering"
    EMPLOYMENT_PROGRAMME = "arbetsmarknadsprogram"


class Gender(StrEnum):
    """Kön, as split in every follow-up figure."""

    WOMAN = "kvinna"
    MAN = "man"
    OTHER = "annat"


class RecordedBy(StrEnum):
    """Who recorded a consent: the agency's case worker, or the person on their own page."""

    AGENCY = "agency"
    PERSON = "person"
