"""Command bodies of Försäkringskassan's API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

from domain.agencies import Agency
from domain.fk.insured import SicknessBenefitEndReason
from services.agency.schemas import Command, Id

RehabChainDay = Annotated[
    int,
    msgspec.Meta(ge=1, le=1000, description="Dag i rehabiliteringskedjan (checkpoints 90, 180, "
                 "365)."),
]
Agencies = Annotated[list[Agency], msgspec.Meta(min_length=1)]


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
    period_to: date
    compensation_id: Id | None = None


class RequestJointAssessment(Command, kw_only=True):
    """Gemensam kartläggning: FK asks other agencies to assess together."""

    to_agencies: Agencies
    assessment_id: Id | None = None


class HoldReconciliationMeeting(Command, kw_only=True):
    """Avstämningsmöte: who took part."""

    participants: Agencies
    meeting_id: Id | None = None
