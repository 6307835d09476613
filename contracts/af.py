"""Events Arbetsförmedlingen publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from contracts.base import Id, IntegrationEvent, InterventionType, Name, Text

SubsidyKind = Literal["lonestod", "anstallningsstod", "introduktionsjobb"]


class JobSeekerRegistered(IntegrationEvent, frozen=True, kw_only=True):
    """Inskrivning: the person is registered as a job seeker at AF."""


class JobSeekerDeregistered(IntegrationEvent, frozen=True, kw_only=True):
    """Avaktualisering: the person is no longer registered as a job seeker."""

    reason: Annotated[Text, msgspec.Meta(description="Why (e.g. 'arbete', 'utebliven kontakt').")]
    reason_code: Annotated[
        Id | None, msgspec.Meta(description="AF's avaktualiseringskod, when given.")
    ] = None


class ReferralMade(IntegrationEvent, frozen=True, kw_only=True):
    """Anvisning: AF refers the person to a programme at one of its providers."""

    referral_id: Annotated[Id, msgspec.Meta(description="AF's id of the anvisning.")]
    programme: Annotated[Name, msgspec.Meta(description="Programme (e.g. 'Rusta och matcha').")]
    provider: Annotated[Name, msgspec.Meta(description="Contracted provider (leverantör).")]
    intervention_type: Annotated[
        InterventionType, msgspec.Meta(description="Kind of insats the programme is.")
    ]


class ReferralEnded(IntegrationEvent, frozen=True, kw_only=True):
    """Anvisning avslutad: the referral ends."""

    referral_id: Annotated[Id, msgspec.Meta(description="AF's id of the anvisning.")]
    further_support_needed: Annotated[
        bool, msgspec.Meta(description="True when the person needs further support.")
    ]


class SubsidyDecided(IntegrationEvent, frozen=True, kw_only=True):
    """Beslut om anställningsstöd: AF decides a wage subsidy for an employer."""

    subsidy_id: Annotated[Id, msgspec.Meta(description="AF's id of the beslut.")]
    subsidy_kind: Annotated[SubsidyKind, msgspec.Meta(description="Kind of stöd.")]
    employer: Annotated[Name, msgspec.Meta(description="Employer (name or organisationsnummer).")]
    period_from: Annotated[date, msgspec.Meta(description="First day of the subsidy.")]
    period_to: Annotated[date, msgspec.Meta(description="Last day of the subsidy.")]


class EmploymentStarted(IntegrationEvent, frozen=True, kw_only=True):
    """Anställning påbörjad: the person starts a job."""

    employer: Annotated[Name, msgspec.Meta(description="Employer (name or organisationsnummer).")]
    subsidised: Annotated[bool, msgspec.Meta(description="True when AF subsidises the job.")]


AF_EVENTS: tuple[type[IntegrationEvent], ...] = (
    JobSeekerRegistered,
    JobSeekerDeregistered,
    ReferralMade,
    ReferralEnded,
    SubsidyDecided,
    EmploymentStarted,
)
