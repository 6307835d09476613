"""The region's own commands (beside the shared ones in services.agency.api)."""

from __future__ import annotations

from uuid import uuid4

from litestar import Router, post
from litestar.params import FromPath, JSONBody

from services.agency.api import PERSON
from services.agency.runner import CommandRunner
from services.agency.schemas import Accepted
from services.region.schemas import (
    CertifySickLeave,
    ConfirmSipParticipation,
    EndRehabilitation,
    StartRehabilitation,
)


def region_router(runner: CommandRunner) -> Router:
    @post(f"{PERSON}/sick-leave-certificates", status_code=201, sync_to_thread=True,
          tags=["sjukskrivning"], summary="Certify sick leave (läkarintyg)")
    def certify_sick_leave(person_ref: FromPath[str], data: JSONBody[CertifySickLeave]) -> Accepted:
        certificate_id = data.certificate_id or str(uuid4())
        return runner.run(person_ref, data, lambda p, eff, rec: p.certify_sick_leave(
            certificate_id=certificate_id, period_from=data.period_from,
            period_to=data.period_to, extent_percent=data.extent_percent,
            effective_at=eff, recorded_at=rec), certificate_id=certificate_id)

    @post(f"{PERSON}/rehabilitations", status_code=201, sync_to_thread=True,
          tags=["rehabilitering"])
    def start_rehabilitation(
        person_ref: FromPath[str], data: JSONBody[StartRehabilitation],
    ) -> Accepted:
        rehabilitation_id = data.rehabilitation_id or str(uuid4())
        return runner.run(person_ref, data, lambda p, eff, rec: p.start_rehabilitation(
            rehabilitation_id=rehabilitation_id, rehabilitation_kind=data.rehabilitation_kind,
            effective_at=eff, recorded_at=rec), rehabilitation_id=rehabilitation_id)

    @post(f"{PERSON}/rehabilitations/{{rehabilitation_id:str}}/end", status_code=200,
          sync_to_thread=True, tags=["rehabilitering"])
    def end_rehabilitation(
        person_ref: FromPath[str], rehabilitation_id: FromPath[str], data: EndRehabilitation
    ) -> Accepted:
        return runner.run(person_ref, data, lambda p, eff, rec: p.end_rehabilitation(
            rehabilitation_id=rehabilitation_id,
            further_support_needed=data.further_support_needed,
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/sip-participations", status_code=201, sync_to_thread=True,
          tags=["SIP"], summary="Confirm the region takes part in the kommun's SIP")
    def confirm_sip_participation(
        person_ref: FromPath[str], data: JSONBody[ConfirmSipParticipation],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda p, eff, rec: p.confirm_sip_participation(
            sip_id=data.sip_id, effective_at=eff, recorded_at=rec), sip_id=data.sip_id)

    return Router(path="/", route_handlers=[
        certify_sick_leave, start_rehabilitation, end_rehabilitation, confirm_sip_participation,
    ])
