"""Försäkringskassan's system of record and its commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from contracts import fk
from contracts.base import IntegrationEvent
from domain.agencies import Agency
from domain.fk.insured import Insured
from services.agency.application import AgencyApplication
from services.agency.schemas import Accepted, Command
from services.fk.schemas import (
    EndSicknessBenefit,
    GrantActivityCompensation,
    GrantSicknessBenefit,
    HoldReconciliationMeeting,
    RequestJointAssessment,
)


class FkApplication(AgencyApplication):
    agency = Agency.FK
    involvement_class = Insured
    published: ClassVar[Mapping[str, type[IntegrationEvent]]] = {
        "SicknessBenefitGranted": fk.SicknessBenefitGranted,
        "SicknessBenefitEnded": fk.SicknessBenefitEnded,
        "ActivityCompensationGranted": fk.ActivityCompensationGranted,
        "ActivityCompensationEnded": fk.ActivityCompensationEnded,
        "JointAssessmentRequested": fk.JointAssessmentRequested,
        "ReconciliationMeetingHeld": fk.ReconciliationMeetingHeld,
    }

    def grant_sickness_benefit(self, person_ref: str, command: GrantSicknessBenefit) -> Accepted:
        return self.run(person_ref, command, Insured.grant_sickness_benefit, new_id="benefit_id")

    def end_sickness_benefit(
        self, person_ref: str, benefit_id: str, command: EndSicknessBenefit
    ) -> Accepted:
        return self.run(person_ref, command, Insured.end_sickness_benefit, benefit_id=benefit_id)

    def grant_activity_compensation(
        self, person_ref: str, command: GrantActivityCompensation
    ) -> Accepted:
        return self.run(person_ref, command, Insured.grant_activity_compensation,
                        new_id="compensation_id")

    def end_activity_compensation(
        self, person_ref: str, compensation_id: str, command: Command
    ) -> Accepted:
        return self.run(person_ref, command, Insured.end_activity_compensation,
                        compensation_id=compensation_id)

    def request_joint_assessment(
        self, person_ref: str, command: RequestJointAssessment
    ) -> Accepted:
        return self.run(person_ref, command, Insured.request_joint_assessment,
                        new_id="assessment_id")

    def hold_reconciliation_meeting(
        self, person_ref: str, command: HoldReconciliationMeeting
    ) -> Accepted:
        return self.run(person_ref, command, Insured.hold_reconciliation_meeting,
                        new_id="meeting_id")
