"""The region's own commands (beside the shared ones in services.agency.api)."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from services.agency.api import PERSON
from services.agency.schemas import Accepted
from services.region.application import RegionApplication
from services.region.schemas import (
    CertifySickLeave,
    ConfirmSipParticipation,
    EndRehabilitation,
    StartRehabilitation,
)


class PatientController(Controller):
    path = PERSON

    @post("/sick-leave-certificates", status_code=201, sync_to_thread=True,
          tags=["sjukskrivning"], summary="Certify sick leave (läkarintyg)")
    def certify_sick_leave(
        self, application: RegionApplication, person_ref: FromPath[str],
        data: JSONBody[CertifySickLeave],
    ) -> Accepted:
        return application.certify_sick_leave(person_ref, data)

    @post("/rehabilitations", status_code=201, sync_to_thread=True, tags=["rehabilitering"])
    def start_rehabilitation(
        self, application: RegionApplication, person_ref: FromPath[str],
        data: JSONBody[StartRehabilitation],
    ) -> Accepted:
        return application.start_rehabilitation(person_ref, data)

    @post("/rehabilitations/{rehabilitation_id:str}/end", status_code=200,
          sync_to_thread=True, tags=["rehabilitering"])
    def end_rehabilitation(
        self, application: RegionApplication, person_ref: FromPath[str],
        rehabilitation_id: FromPath[str], data: EndRehabilitation,
    ) -> Accepted:
        return application.end_rehabilitation(person_ref, rehabilitation_id, data)

    @post("/sip-participations", status_code=201, sync_to_thread=True, tags=["SIP"],
          summary="Confirm the region takes part in the kommun's SIP")
    def confirm_sip_participation(
        self, application: RegionApplication, person_ref: FromPath[str],
        data: JSONBody[ConfirmSipParticipation],
    ) -> Accepted:
        return application.confirm_sip_participation(person_ref, data)
