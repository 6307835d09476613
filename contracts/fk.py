"""Events Försäkringskassan publishes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from contracts.base import Agency, Id, IntegrationEvent

BenefitId = Annotated[Id, msgspec.Meta(description="FK's id of the sjukpenning case.")]
RehabChainDay = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=1000,
        description="Day in rehabiliteringskedjan (checkpoints at day 90, 180 and 365).",
    ),
]

SicknessBenefitEndReason = Literal[
    "atergang_i_arbete",
    "arbetsformaga_bedomd",
    "maxtid_uppnadd",
    "annat",
    "okand",
]
"""Why sjukpenning ended.

- ``atergang_i_arbete``: the person returned to work;
- ``arbetsformaga_bedomd``: work capacity assessed at a rehabiliteringskedjan checkpoint
  (the person must register at AF at once: the benefit-gap rule);
- ``maxtid_uppnadd``: the maximum number of days is used up;
- ``annat``: another reason;
- ``okand``: not known; what v1 messages are upcast to.
"""


class SicknessBenefitGranted(IntegrationEvent, frozen=True, kw_only=True):
    """Sjukpenning beviljad."""

    benefit_id: BenefitId
    rehab_chain_day: RehabChainDay


class SicknessBenefitEndedV1(IntegrationEvent, frozen=True, kw_only=True):
    """Sjukpenning upphört, version 1 (superseded by v2, which gives the reason)."""

    benefit_id: BenefitId
    rehab_chain_day: RehabChainDay


class SicknessBenefitEnded(IntegrationEvent, frozen=True, kw_only=True):
    """Sjukpenning upphört (v2): the benefit ends, with the reason why."""

    benefit_id: BenefitId
    rehab_chain_day: RehabChainDay
    end_reason: Annotated[
        SicknessBenefitEndReason,
        msgspec.Meta(
            description=(
                "Why sjukpenning ended: atergang_i_arbete, arbetsformaga_bedomd "
                "(rehab-chain checkpoint), maxtid_uppnadd, annat, okand (v1 upcast)."
            )
        ),
    ]


V1_END_REASON_DEFAULT: SicknessBenefitEndReason = "okand"
"""The ``end_reason`` a v1 ``SicknessBenefitEnded`` gets when upcast to v2."""


def upcast_sickness_benefit_ended_v1(event: SicknessBenefitEndedV1) -> SicknessBenefitEnded:
    """v1 → v2: v1 did not say why; the reason becomes ``okand`` (unknown)."""
    return SicknessBenefitEnded(
        person_ref=event.person_ref,
        effective_at=event.effective_at,
        recorded_at=event.recorded_at,
        benefit_id=event.benefit_id,
        rehab_chain_day=event.rehab_chain_day,
        end_reason=V1_END_REASON_DEFAULT,
    )


class ActivityCompensationGranted(IntegrationEvent, frozen=True, kw_only=True):
    """Aktivitetsersättning beviljad (for young people, 19–29)."""

    compensation_id: Annotated[Id, msgspec.Meta(description="FK's id of the decision.")]
    period_from: Annotated[date, msgspec.Meta(description="First day of the decided period.")]
    period_to: Annotated[date, msgspec.Meta(description="Last day of the decided period.")]


class ActivityCompensationEnded(IntegrationEvent, frozen=True, kw_only=True):
    """Aktivitetsersättning upphört."""

    compensation_id: Annotated[Id, msgspec.Meta(description="FK's id of the decision.")]


class JointAssessmentRequested(IntegrationEvent, frozen=True, kw_only=True):
    """Gemensam kartläggning begärd: FK asks other agencies to assess together."""

    assessment_id: Annotated[Id, msgspec.Meta(description="FK's id of the kartläggning.")]
    to_agencies: Annotated[
        list[Agency], msgspec.Meta(min_length=1, description="Agencies asked to take part.")
    ]


class ReconciliationMeetingHeld(IntegrationEvent, frozen=True, kw_only=True):
    """Avstämningsmöte hållet: FK held a reconciliation meeting."""

    meeting_id: Annotated[Id, msgspec.Meta(description="FK's id of the meeting.")]
    participants: Annotated[
        list[Agency], msgspec.Meta(min_length=1, description="Agencies that took part.")
    ]


FK_EVENTS: tuple[type[IntegrationEvent], ...] = (
    SicknessBenefitGranted,
    SicknessBenefitEnded,
    ActivityCompensationGranted,
    ActivityCompensationEnded,
    JointAssessmentRequested,
    ReconciliationMeetingHeld,
)
