"""Arbetsförmedlingen's own commands (beside the shared ones)."""

from __future__ import annotations

from uuid import uuid4

from litestar import Router, post
from litestar.params import FromPath, JSONBody

from services.af.schemas import (
    DecideSubsidy,
    Deregister,
    EndReferral,
    MakeReferral,
    StartEmployment,
)
from services.agency.api import PERSON
from services.agency.runner import CommandRunner
from services.agency.schemas import Accepted, Command


def af_router(runner: CommandRunner) -> Router:
    @post(f"{PERSON}/registration", status_code=200, sync_to_thread=True,
          tags=["inskrivning"], summary="Register the person as a job seeker (inskrivning)")
    def register(person_ref: FromPath[str], data: JSONBody[Command]) -> Accepted:
        return runner.run(person_ref, data, lambda j, eff, rec: j.register(
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/deregistration", status_code=200, sync_to_thread=True,
          tags=["inskrivning"])
    def deregister(person_ref: FromPath[str], data: JSONBody[Deregister]) -> Accepted:
        return runner.run(person_ref, data, lambda j, eff, rec: j.deregister(
            reason=data.reason, effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/referrals", status_code=201, sync_to_thread=True, tags=["anvisning"])
    def make_referral(person_ref: FromPath[str], data: JSONBody[MakeReferral]) -> Accepted:
        referral_id = data.referral_id or str(uuid4())
        return runner.run(person_ref, data, lambda j, eff, rec: j.make_referral(
            referral_id=referral_id, programme=data.programme, provider=data.provider,
            intervention_type=data.intervention_type, effective_at=eff, recorded_at=rec,
        ), referral_id=referral_id)

    @post(f"{PERSON}/referrals/{{referral_id:str}}/end", status_code=200,
          sync_to_thread=True, tags=["anvisning"])
    def end_referral(
        person_ref: FromPath[str], referral_id: FromPath[str], data: JSONBody[EndReferral],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda j, eff, rec: j.end_referral(
            referral_id=referral_id, further_support_needed=data.further_support_needed,
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/subsidies", status_code=201, sync_to_thread=True, tags=["stöd"])
    def decide_subsidy(person_ref: FromPath[str], data: JSONBody[DecideSubsidy]) -> Accepted:
        subsidy_id = data.subsidy_id or str(uuid4())
        return runner.run(person_ref, data, lambda j, eff, rec: j.decide_subsidy(
            subsidy_id=subsidy_id, subsidy_kind=data.subsidy_kind, employer=data.employer,
            period_from=data.period_from, period_to=data.period_to, effective_at=eff,
            recorded_at=rec), subsidy_id=subsidy_id)

    @post(f"{PERSON}/employment", status_code=201, sync_to_thread=True, tags=["anställning"])
    def start_employment(person_ref: FromPath[str], data: JSONBody[StartEmployment]) -> Accepted:
        return runner.run(person_ref, data, lambda j, eff, rec: j.start_employment(
            employer=data.employer, subsidised=data.subsidised, effective_at=eff,
            recorded_at=rec))

    return Router(path="/", route_handlers=[
        register, deregister, make_referral, end_referral, decide_subsidy, start_employment,
    ])
