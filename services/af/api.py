"""Arbetsförmedlingen's own commands (beside the shared ones)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from services.af.application import AfApplication
from services.af.schemas import (
    DecideSubsidy,
    Deregister,
    EndReferral,
    MakeReferral,
    StartEmployment,
)
from services.agency.api import PERSON
from services.agency.schemas import Accepted, Command


class JobSeekerController(Controller):
    path = PERSON

    @post("/registration", status_code=200, sync_to_thread=True, tags=["inskrivning"],
          summary="Register the person as a job seeker (inskrivning)")
    def register(
        self, application: AfApplication, person_ref: FromPath[str], data: JSONBody[Command]
    ) -> Accepted:
        return application.register(person_ref, data)

    @post("/deregistration", status_code=200, sync_to_thread=True, tags=["inskrivning"])
    def deregister(
        self, application: AfApplication, person_ref: FromPath[str], data: JSONBody[Deregister]
    ) -> Accepted:
        return application.deregister(person_ref, data)

    @post("/referrals", status_code=201, sync_to_thread=True, tags=["anvisning"])
    def make_referral(
        self, application: AfApplication, person_ref: FromPath[str],
        data: JSONBody[MakeReferral],
    ) -> Accepted:
        return application.make_referral(person_ref, data)

    @post("/referrals/{referral_id:str}/end", status_code=200, sync_to_thread=True,
          tags=["anvisning"])
    def end_referral(
        self, application: AfApplication, person_ref: FromPath[str],
        referral_id: FromPath[str], data: JSONBody[EndReferral],
    ) -> Accepted:
        return application.end_referral(person_ref, referral_id, data)

    @post("/subsidies", status_code=201, sync_to_thread=True, tags=["stöd"])
    def decide_subsidy(
        self, application: AfApplication, person_ref: FromPath[str],
        data: JSONBody[DecideSubsidy],
    ) -> Accepted:
        return application.decide_subsidy(person_ref, data)

    @post("/employment", status_code=201, sync_to_thread=True, tags=["anställning"])
    def start_employment(
        self, application: AfApplication, person_ref: FromPath[str],
        data: JSONBody[StartEmployment],
    ) -> Accepted:
        return application.start_employment(person_ref, data)
