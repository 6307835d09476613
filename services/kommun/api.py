"""The kommun's own commands (beside the shared ones in services.agency.api)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from services.agency.api import PERSON
from services.agency.schemas import Accepted, Command
from services.kommun.application import KommunApplication
from services.kommun.schemas import (
    CompleteNeedsAssessment,
    DecideIncomeSupport,
    EndIntervention,
    EnrolPerson,
    InitiateSip,
    StartIntervention,
)


class EnrolmentController(Controller):
    path = "/persons"

    @post(status_code=201, sync_to_thread=True, tags=["persons"],
          summary="Enrol a person at the AME (inskrivning); answers the person_ref")
    def enrol(self, application: KommunApplication, data: JSONBody[EnrolPerson]) -> Accepted:
        return application.enrol(data)


class ParticipantController(Controller):
    path = PERSON

    @post("/needs-assessments", status_code=201, sync_to_thread=True, tags=["kartläggning"])
    def complete_needs_assessment(
        self, application: KommunApplication, person_ref: FromPath[str],
        data: JSONBody[CompleteNeedsAssessment],
    ) -> Accepted:
        return application.complete_needs_assessment(person_ref, data)

    @post("/interventions", status_code=201, sync_to_thread=True, tags=["insatser"])
    def start_intervention(
        self, application: KommunApplication, person_ref: FromPath[str],
        data: JSONBody[StartIntervention],
    ) -> Accepted:
        return application.start_intervention(person_ref, data)

    @post("/interventions/{intervention_id:str}/end", status_code=200, sync_to_thread=True,
          tags=["insatser"])
    def end_intervention(
        self, application: KommunApplication, person_ref: FromPath[str],
        intervention_id: FromPath[str], data: JSONBody[EndIntervention],
    ) -> Accepted:
        return application.end_intervention(person_ref, intervention_id, data)

    @post("/income-support", status_code=201, sync_to_thread=True, tags=["försörjningsstöd"])
    def decide_income_support(
        self, application: KommunApplication, person_ref: FromPath[str],
        data: JSONBody[DecideIncomeSupport],
    ) -> Accepted:
        return application.decide_income_support(person_ref, data)

    @post("/income-support/{decision_id:str}/end", status_code=200, sync_to_thread=True,
          tags=["försörjningsstöd"])
    def end_income_support(
        self, application: KommunApplication, person_ref: FromPath[str],
        decision_id: FromPath[str], data: JSONBody[Command],
    ) -> Accepted:
        return application.end_income_support(person_ref, decision_id, data)

    @post("/sips", status_code=201, sync_to_thread=True, tags=["SIP"])
    def initiate_sip(
        self, application: KommunApplication, person_ref: FromPath[str],
        data: JSONBody[InitiateSip],
    ) -> Accepted:
        return application.initiate_sip(person_ref, data)
