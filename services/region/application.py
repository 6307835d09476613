"""The region's system of record and its commands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from contracts import region
from contracts.base import IntegrationEvent
from domain.agencies import Agency
from domain.region.patient import Patient
from services.agency.application import AgencyApplication
from services.agency.schemas import Accepted
from services.region.schemas import (
    CertifySickLeave,
    ConfirmSipParticipation,
    EndRehabilitation,
    StartRehabilitation,
)


class RegionApplication(AgencyApplication):
    agency = Agency.REGION
    involvement_class = Patient
    published: ClassVar[Mapping[str, type[IntegrationEvent]]] = {
        "SickLeaveCertified": region.SickLeaveCertified,
        "RehabilitationStarted": region.RehabilitationStarted,
        "RehabilitationEnded": region.RehabilitationEnded,
        "SipParticipationConfirmed": region.SipParticipationConfirmed,
    }

    def certify_sick_leave(self, person_ref: str, command: CertifySickLeave) -> Accepted:
        return self.run(person_ref, command, Patient.certify_sick_leave, new_id="certificate_id")

    def start_rehabilitation(self, person_ref: str, command: StartRehabilitation) -> Accepted:
        return self.run(person_ref, command, Patient.start_rehabilitation,
                        new_id="rehabilitation_id")

    def end_rehabilitation(
        self, person_ref: str, rehabilitation_id: str, command: EndRehabilitation
    ) -> Accepted:
        return self.run(person_ref, command, Patient.end_rehabilitation,
                        rehabilitation_id=rehabilitation_id)

    def confirm_sip_participation(
        self, person_ref: str, command: ConfirmSipParticipation
    ) -> Accepted:
        return self.run(person_ref, command, Patient.confirm_sip_participation, new_id="sip_id")
