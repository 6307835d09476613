"""The kommun's system of record and its commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from contracts import kommun
from contracts.base import IntegrationEvent
from domain.agencies import Agency
from domain.kommun.participant import Participant
from services.agency.application import AgencyApplication
from services.agency.schemas import Accepted, Command
from services.kommun.schemas import (
    CompleteNeedsAssessment,
    DecideIncomeSupport,
    EndIntervention,
    EnrolPerson,
    InitiateSip,
    StartIntervention,
)


class KommunApplication(AgencyApplication):
    agency = Agency.KOMMUN
    involvement_class = Participant
    published: ClassVar[Mapping[str, type[IntegrationEvent]]] = {
        "PersonEnrolled": kommun.PersonEnrolled,
        "NeedsAssessmentCompleted": kommun.NeedsAssessmentCompleted,
        "InterventionStarted": kommun.InterventionStarted,
        "InterventionEnded": kommun.InterventionEnded,
        "IncomeSupportDecided": kommun.IncomeSupportDecided,
        "IncomeSupportEnded": kommun.IncomeSupportEnded,
        "SipInitiated": kommun.SipInitiated,
    }

    def enrol(self, command: EnrolPerson) -> Accepted:
        """Inskrivning at the AME: the kommun's way of identifying the person."""
        person_ref = self.person_ref_of(command.personnummer)
        return self.run(person_ref, command, Participant.enrol, create=True)

    def complete_needs_assessment(
        self, person_ref: str, command: CompleteNeedsAssessment
    ) -> Accepted:
        return self.run(person_ref, command, Participant.complete_needs_assessment)

    def start_intervention(self, person_ref: str, command: StartIntervention) -> Accepted:
        return self.run(person_ref, command, Participant.start_intervention,
                        new_id="intervention_id")

    def end_intervention(
        self, person_ref: str, intervention_id: str, command: EndIntervention
    ) -> Accepted:
        return self.run(person_ref, command, Participant.end_intervention,
                        intervention_id=intervention_id)

    def decide_income_support(self, person_ref: str, command: DecideIncomeSupport) -> Accepted:
        return self.run(person_ref, command, Participant.decide_income_support,
                        new_id="decision_id")

    def end_income_support(self, person_ref: str, decision_id: str, command: Command) -> Accepted:
        return self.run(person_ref, command, Participant.end_income_support,
                        decision_id=decision_id)

    def initiate_sip(self, person_ref: str, command: InitiateSip) -> Accepted:
        return self.run(person_ref, command, Participant.initiate_sip, new_id="sip_id")
