"""Försäkringskassan's own commands (beside the shared ones in services.agency.api)."""

from __future__ import annotations

from uuid import uuid4

from litestar import Router, post
from litestar.params import FromPath, JSONBody

from services.agency.api import PERSON
from services.agency.runner import CommandRunner
from services.agency.schemas import Accepted, Command
from services.fk.schemas import (
    EndSicknessBenefit,
    GrantActivityCompensation,
    GrantSicknessBenefit,
    HoldReconciliationMeeting,
    RequestJointAssessment,
)


def fk_router(runner: CommandRunner) -> Router:
    @post(f"{PERSON}/sickness-benefits", status_code=201, sync_to_thread=True,
          tags=["sjukpenning"], summary="Grant sickness benefit (sjukpenning)")
    def grant_sickness_benefit(
        person_ref: FromPath[str], data: JSONBody[GrantSicknessBenefit],
    ) -> Accepted:
        benefit_id = data.benefit_id or str(uuid4())
        return runner.run(person_ref, data, lambda i, eff, rec: i.grant_sickness_benefit(
            benefit_id=benefit_id, rehab_chain_day=data.rehab_chain_day,
            effective_at=eff, recorded_at=rec), benefit_id=benefit_id)

    @post(f"{PERSON}/sickness-benefits/{{benefit_id:str}}/end", status_code=200,
          sync_to_thread=True, tags=["sjukpenning"],
          summary="End sickness benefit at a day of the rehabiliteringskedjan")
    def end_sickness_benefit(
        person_ref: FromPath[str], benefit_id: FromPath[str], data: EndSicknessBenefit
    ) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.end_sickness_benefit(
            benefit_id=benefit_id, rehab_chain_day=data.rehab_chain_day,
            end_reason=data.end_reason, effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/activity-compensations", status_code=201, sync_to_thread=True,
          tags=["aktivitetsersättning"], summary="Grant activity compensation")
    def grant_activity_compensation(
        person_ref: FromPath[str], data: GrantActivityCompensation
    ) -> Accepted:
        compensation_id = data.compensation_id or str(uuid4())
        return runner.run(person_ref, data, lambda i, eff, rec: i.grant_activity_compensation(
            compensation_id=compensation_id, period_from=data.period_from,
            period_to=data.period_to, effective_at=eff, recorded_at=rec),
            compensation_id=compensation_id)

    @post(f"{PERSON}/activity-compensations/{{compensation_id:str}}/end", status_code=200,
          sync_to_thread=True, tags=["aktivitetsersättning"])
    def end_activity_compensation(
        person_ref: FromPath[str], compensation_id: FromPath[str], data: Command
    ) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.end_activity_compensation(
            compensation_id=compensation_id, effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/joint-assessments", status_code=201, sync_to_thread=True,
          tags=["gemensam kartläggning"], summary="Ask other agencies for a joint assessment")
    def request_joint_assessment(
        person_ref: FromPath[str], data: JSONBody[RequestJointAssessment],
    ) -> Accepted:
        assessment_id = data.assessment_id or str(uuid4())
        return runner.run(person_ref, data, lambda i, eff, rec: i.request_joint_assessment(
            assessment_id=assessment_id, to_agencies=list(data.to_agencies),
            effective_at=eff, recorded_at=rec), assessment_id=assessment_id)

    @post(f"{PERSON}/reconciliation-meetings", status_code=201, sync_to_thread=True,
          tags=["avstämningsmöte"], summary="Record a reconciliation meeting held")
    def hold_reconciliation_meeting(
        person_ref: FromPath[str], data: HoldReconciliationMeeting
    ) -> Accepted:
        meeting_id = data.meeting_id or str(uuid4())
        return runner.run(person_ref, data, lambda i, eff, rec: i.hold_reconciliation_meeting(
            meeting_id=meeting_id, participants=list(data.participants),
            effective_at=eff, recorded_at=rec), meeting_id=meeting_id)

    return Router(path="/", route_handlers=[
        grant_sickness_benefit, end_sickness_benefit, grant_activity_compensation,
        end_activity_compensation, request_joint_assessment, hold_reconciliation_meeting,
    ])
