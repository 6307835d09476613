"""Command bodies of the kommun's API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from domain.agencies import Agency, Gender, InterventionType
from services.agency.schemas import Command, Id, PeriodEnd, Personnummer, Text

Kommun = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Lund"])]


class EnrolPerson(Command, kw_only=True):
    """Inskrivning at the AME: identity at the edge, and what follow-up is split by."""

    personnummer: Personnummer
    kommun: Kommun
    gender: Gender
    birth_year: Annotated[int, msgspec.Meta(ge=1900, le=2100)]
    target_groups: list[Annotated[str, msgspec.Meta(min_length=1, max_length=64)]] = msgspec.field(
        default_factory=list
    )


class CompleteNeedsAssessment(Command, kw_only=True):
    further_support_needed: bool
    summary: Text


class StartIntervention(Command, kw_only=True):
    intervention_type: InterventionType
    intervention_id: Id | None = None


class EndIntervention(Command, kw_only=True):
    further_support_needed: bool = False


class DecideIncomeSupport(Command, kw_only=True):
    period_from: date
    period_to: PeriodEnd | None = None
    decision_id: Id | None = None


class InitiateSip(Command, kw_only=True):
    lead_agency: Agency
    sip_id: Id | None = None
