"""Command bodies of Försäkringskassan's API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from domain.agencies import Agency
from domain.fk.insured import SicknessBenefitEndReason
from services.agency.schemas import Command, Id, PeriodEnd

RehabChainDay = Annotated[
    int,
    msgspec.Meta(ge=1, le=1000, description="Dag i rehabiliteringskedjan (checkpoints 90, 180, "
                 "365)."),
]
Agencies = Annotated[list[Agency], msgspec.Meta(min_length=1)]
OtherAgencies = Annotated[list[Agency], msgspec.Meta(
    min_length=1, description="The agencies asked to assess with FK (FK itself is refused "
    "with 422).",
    extra_json_schema={"allOf": [
        {"items": {"enum": [str(a) for a in Agency if a is not Agency.FK]}}]})]


class GrantSicknessBenefit(Command, kw_only=True):
    """Sjukpenning beviljad, at this day of the rehabiliteringskedjan."""

    rehab_chain_day: RehabChainDay
    benefit_id: Id | None = None


class EndSicknessBenefit(Command, kw_only=True):
    """Sjukpenning upphör: at which day of the chain, and why."""

    rehab_chain_day: RehabChainDay
    end_reason: SicknessBenefitEndReason


class GrantActivityCompensation(Command, kw_only=True):
    """Aktivitetsersättning beviljad for a period."""

    period_from: date
    period_to: PeriodEnd
    compensation_id: Id | None = None


class RequestJointAssessment(Command, kw_only=True):
    """Gemensam kartläggning: FK asks other agencies to assess together."""

    to_agencies: OtherAgencies
    assessment_id: Id | None = None


class HoldReconciliationMeeting(Command, kw_only=True):
    """Avstämningsmöte: who took part."""

    participants: Agencies
    meeting_id: Id | None = None
