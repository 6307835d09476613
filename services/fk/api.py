"""Försäkringskassan's own commands (beside the shared ones in services.agency.api)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from services.agency.api import PERSON
from services.agency.schemas import Accepted, Command
from services.fk.application import FkApplication
from services.fk.schemas import (
    EndSicknessBenefit,
    GrantActivityCompensation,
    GrantSicknessBenefit,
    HoldReconciliationMeeting,
    RequestJointAssessment,
)


class InsuredController(Controller):
    path = PERSON

    @post("/sickness-benefits", status_code=201, sync_to_thread=True, tags=["sjukpenning"],
          summary="Grant sickness benefit (sjukpenning)")
    def grant_sickness_benefit(
        self, application: FkApplication, person_ref: FromPath[str],
        data: JSONBody[GrantSicknessBenefit],
    ) -> Accepted:
        return application.grant_sickness_benefit(person_ref, data)

    @post("/sickness-benefits/{benefit_id:str}/end", status_code=200, sync_to_thread=True,
          tags=["sjukpenning"],
          summary="End sickness benefit at a day of the rehabiliteringskedjan")
    def end_sickness_benefit(
        self, application: FkApplication, person_ref: FromPath[str],
        benefit_id: FromPath[str], data: EndSicknessBenefit,
    ) -> Accepted:
        return application.end_sickness_benefit(person_ref, benefit_id, data)

    @post("/activity-compensations", status_code=201, sync_to_thread=True,
          tags=["aktivitetsersättning"], summary="Grant activity compensation")
    def grant_activity_compensation(
        self, application: FkApplication, person_ref: FromPath[str],
        data: GrantActivityCompensation,
    ) -> Accepted:
        return application.grant_activity_compensation(person_ref, data)

    @post("/activity-compensations/{compensation_id:str}/end", status_code=200,
          sync_to_thread=True, tags=["aktivitetsersättning"])
    def end_activity_compensation(
        self, application: FkApplication, person_ref: FromPath[str],
        compensation_id: FromPath[str], data: Command,
    ) -> Accepted:
        return application.end_activity_compensation(person_ref, compensation_id, data)

    @post("/joint-assessments", status_code=201, sync_to_thread=True,
          tags=["gemensam kartläggning"], summary="Ask other agencies for a joint assessment")
    def request_joint_assessment(
        self, application: FkApplication, person_ref: FromPath[str],
        data: JSONBody[RequestJointAssessment],
    ) -> Accepted:
        return application.request_joint_assessment(person_ref, data)

    @post("/reconciliation-meetings", status_code=201, sync_to_thread=True,
          tags=["avstämningsmöte"], summary="Record a reconciliation meeting held")
    def hold_reconciliation_meeting(
        self, application: FkApplication, person_ref: FromPath[str],
        data: HoldReconciliationMeeting,
    ) -> Accepted:
        return application.hold_reconciliation_meeting(person_ref, data)
