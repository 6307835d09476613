"""``Insured`` — a person in Försäkringskassan's records (den försäkrade)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from eventsourcing.domain import event

from domain.agencies import Agency
from domain.agency.errors import Conflict, Invalid, NotFound
from domain.agency.involvement import Involvement


class SicknessBenefitEndReason(StrEnum):
    """Why sjukpenning ends (the contract's ``end_reason``; ``okand`` is only for v1 upcasts)."""

    RETURNED_TO_WORK = "atergang_i_arbete"
    WORK_CAPACITY_ASSESSED = "arbetsformaga_bedomd"
    MAXIMUM_REACHED = "maxtid_uppnadd"
    OTHER = "annat"


class Insured(Involvement):
    """FK's record: sjukpenning, aktivitetsersättning, gemensam kartläggning, avstämningsmöten."""

    agency = Agency.FK

    @event("Opened")
    def __init__(self, *, person_ref: str, effective_at: datetime, recorded_at: datetime) -> None:
        self._open(person_ref)

    def _init_agency(self) -> None:
        # Sjukpenning by id: the rehab-chain day it was granted at, and whether it is active.
        self.sickness_benefits: dict[str, int] = {}
        self.ended_sickness_benefits: set[str] = set()
        self.activity_compensations: dict[str, str] = {}
        self.joint_assessments: set[str] = set()
        self.reconciliation_meetings: set[str] = set()

    # Sjukpenning
    def grant_sickness_benefit(
        self, *, benefit_id: str, rehab_chain_day: int,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if benefit_id in self.sickness_benefits:
            raise Conflict(f"sickness benefit {benefit_id} already granted", field="benefit_id")
        active = self.active_sickness_benefits()
        if active:
            # One sjukskrivning period at a time: a new grant replaces nothing silently.
            raise Conflict(f"sickness benefit {active[0]} is still active", field="benefit_id")
        self._sickness_benefit_granted(benefit_id, rehab_chain_day, effective_at, recorded_at)

    @event("SicknessBenefitGranted")
    def _sickness_benefit_granted(
        self, benefit_id: str, rehab_chain_day: int, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.sickness_benefits[benefit_id] = rehab_chain_day
        self._began(benefit_id, effective_at)

    def end_sickness_benefit(
        self, *, benefit_id: str, rehab_chain_day: int, end_reason: SicknessBenefitEndReason,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        granted_day = self.sickness_benefits.get(benefit_id)
        if granted_day is None:
            raise NotFound(f"sickness benefit {benefit_id} was never granted", field="benefit_id")
        if benefit_id in self.ended_sickness_benefits:
            raise Conflict(f"sickness benefit {benefit_id} already ended", field="benefit_id")
        self._refuse_end_before_start(benefit_id, effective_at, "effective_at")
        if rehab_chain_day < granted_day:
            raise Invalid(
                f"day {rehab_chain_day} is before the day the benefit was granted ({granted_day})",
                field="rehab_chain_day",
            )
        self._sickness_benefit_ended(
            benefit_id, rehab_chain_day, end_reason, effective_at, recorded_at
        )

    @event("SicknessBenefitEnded")
    def _sickness_benefit_ended(
        self, benefit_id: str, rehab_chain_day: int, end_reason: SicknessBenefitEndReason,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.ended_sickness_benefits.add(benefit_id)

    def active_sickness_benefits(self) -> list[str]:
        return [b for b in self.sickness_benefits if b not in self.ended_sickness_benefits]

    # Aktivitetsersättning
    def grant_activity_compensation(
        self, *, compensation_id: str, period_from: date, period_to: date,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if compensation_id in self.activity_compensations:
            raise Conflict(f"activity compensation {compensation_id} already granted",
                           field="compensation_id")
        if period_to < period_from:
            raise Invalid("period_to is before period_from", field="period_to")
        self._activity_compensation_granted(
            compensation_id, period_from, period_to, effective_at, recorded_at
        )

    @event("ActivityCompensationGranted")
    def _activity_compensation_granted(
        self, compensation_id: str, period_from: date, period_to: date,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.activity_compensations[compensation_id] = "active"
        self._began(compensation_id, effective_at)

    def end_activity_compensation(
        self, *, compensation_id: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        status = self.activity_compensations.get(compensation_id)
        if status is None:
            raise NotFound(f"activity compensation {compensation_id} was never granted",
                           field="compensation_id")
        if status != "active":
            raise Conflict(f"activity compensation {compensation_id} already ended",
                           field="compensation_id")
        self._refuse_end_before_start(compensation_id, effective_at, "effective_at")
        self._activity_compensation_ended(compensation_id, effective_at, recorded_at)

    @event("ActivityCompensationEnded")
    def _activity_compensation_ended(
        self, compensation_id: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.activity_compensations[compensation_id] = "ended"

    # Gemensam kartläggning
    def request_joint_assessment(
        self, *, assessment_id: str, to_agencies: list[Agency],
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if assessment_id in self.joint_assessments:
            raise Conflict(f"joint assessment {assessment_id} already requested",
                           field="assessment_id")
        if not to_agencies or Agency.FK in to_agencies:
            raise Invalid("a joint assessment is asked of other agencies", field="to_agencies")
        self._joint_assessment_requested(assessment_id, to_agencies, effective_at, recorded_at)

    @event("JointAssessmentRequested")
    def _joint_assessment_requested(
        self, assessment_id: str, to_agencies: list[Agency],
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.joint_assessments.add(assessment_id)

    # Avstämningsmöte
    def hold_reconciliation_meeting(
        self, *, meeting_id: str, participants: list[Agency],
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if meeting_id in self.reconciliation_meetings:
            raise Conflict(f"meeting {meeting_id} already recorded", field="meeting_id")
        if not participants:
            raise Invalid("a meeting has participants", field="participants")
        self._reconciliation_meeting_held(meeting_id, participants, effective_at, recorded_at)

    @event("ReconciliationMeetingHeld")
    def _reconciliation_meeting_held(
        self, meeting_id: str, participants: list[Agency],
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.reconciliation_meetings.add(meeting_id)
