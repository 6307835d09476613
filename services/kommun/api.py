"""The kommun's own commands (beside the shared ones in services.agency.api)."""

from __future__ import annotations

from uuid import uuid4

from litestar import Router, post
from litestar.params import FromPath, JSONBody

from adapters.pseudonym import InvalidPersonnummer
from domain.agency.errors import AgencyRuleViolation
from domain.kommun.participant import Participant
from services.agency.api import PERSON
from services.agency.runner import CommandRunner, effective_time
from services.agency.schemas import Accepted, Command
from services.kommun.schemas import (
    CompleteNeedsAssessment,
    DecideIncomeSupport,
    EndIntervention,
    EnrolPerson,
    InitiateSip,
    StartIntervention,
)


def kommun_router(runner: CommandRunner) -> Router:
    app = runner.application

    @post("/persons", status_code=201, sync_to_thread=True, tags=["persons"],
          summary="Enrol a person at the AME (inskrivning); answers the person_ref")
    def enrol(data: JSONBody[EnrolPerson]) -> Accepted:
        try:
            person_ref = runner.pseudonymiser.person_ref(data.personnummer)
        except InvalidPersonnummer as error:
            raise AgencyRuleViolation(str(error), field="personnummer") from None
        recorded_at = runner.clock()
        effective_at = effective_time(data, recorded_at)

        def open_participant() -> Participant:
            return Participant(
                person_ref=person_ref, effective_at=effective_at, recorded_at=recorded_at
            )

        participant = app.execute(
            person_ref,
            lambda p: p.enrol(
                kommun=data.kommun, gender=data.gender, birth_year=data.birth_year,
                target_groups=list(data.target_groups), effective_at=effective_at,
                recorded_at=recorded_at,
            ),
            create=open_participant,
        )
        return runner.accepted(person_ref, participant.version)

    @post(f"{PERSON}/needs-assessments", status_code=201, sync_to_thread=True,
          tags=["kartläggning"])
    def complete_needs_assessment(
        person_ref: FromPath[str], data: JSONBody[CompleteNeedsAssessment],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda p, eff, rec: p.complete_needs_assessment(
            further_support_needed=data.further_support_needed, summary=data.summary,
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/interventions", status_code=201, sync_to_thread=True, tags=["insatser"])
    def start_intervention(
        person_ref: FromPath[str], data: JSONBody[StartIntervention],
    ) -> Accepted:
        intervention_id = data.intervention_id or str(uuid4())
        return runner.run(person_ref, data, lambda p, eff, rec: p.start_intervention(
            intervention_id=intervention_id, intervention_type=data.intervention_type,
            effective_at=eff, recorded_at=rec), intervention_id=intervention_id)

    @post(f"{PERSON}/interventions/{{intervention_id:str}}/end", status_code=200,
          sync_to_thread=True, tags=["insatser"])
    def end_intervention(
        person_ref: FromPath[str], intervention_id: FromPath[str], data: JSONBody[EndIntervention],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda p, eff, rec: p.end_intervention(
            intervention_id=intervention_id, further_support_needed=data.further_support_needed,
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/income-support", status_code=201, sync_to_thread=True,
          tags=["försörjningsstöd"])
    def decide_income_support(
        person_ref: FromPath[str], data: JSONBody[DecideIncomeSupport],
    ) -> Accepted:
        decision_id = data.decision_id or str(uuid4())
        return runner.run(person_ref, data, lambda p, eff, rec: p.decide_income_support(
            decision_id=decision_id, period_from=data.period_from, period_to=data.period_to,
            effective_at=eff, recorded_at=rec), decision_id=decision_id)

    @post(f"{PERSON}/income-support/{{decision_id:str}}/end", status_code=200,
          sync_to_thread=True, tags=["försörjningsstöd"])
    def end_income_support(
        person_ref: FromPath[str], decision_id: FromPath[str], data: JSONBody[Command],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda p, eff, rec: p.end_income_support(
            decision_id=decision_id, effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/sips", status_code=201, sync_to_thread=True, tags=["SIP"])
    def initiate_sip(person_ref: FromPath[str], data: JSONBody[InitiateSip]) -> Accepted:
        sip_id = data.sip_id or str(uuid4())
        return runner.run(person_ref, data, lambda p, eff, rec: p.initiate_sip(
            sip_id=sip_id, lead_agency=data.lead_agency, effective_at=eff, recorded_at=rec),
            sip_id=sip_id)

    return Router(path="/", route_handlers=[
        enrol, complete_needs_assessment, start_intervention, end_intervention,
        decide_income_support, end_income_support, initiate_sip,
    ])
