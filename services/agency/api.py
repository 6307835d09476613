"""The command API every agency shares: consent, hand-offs, contact, lead, exit."""

from __future__ import annotations

from uuid import uuid4

from litestar import Router, get, post
from litestar.params import FromPath, JSONBody

from domain.agency.involvement import Involvement
from services.agency.runner import CommandRunner
from services.agency.schemas import (
    Accepted,
    Command,
    ExitParticipant,
    GiveConsent,
    IdentifyPerson,
    InvolvementView,
    PersonIdentified,
    RejectHandOff,
    RequestHandOff,
)

PERSON = "/persons/{person_ref:str}"


def view_of(involvement: Involvement, details: dict[str, object]) -> InvolvementView:
    return InvolvementView(
        person_ref=involvement.person_ref, agency=str(involvement.agency),
        version=involvement.version, consents=dict(involvement.consents),
        outgoing_hand_offs=dict(involvement.outgoing_hand_offs),
        incoming_hand_offs=dict(involvement.incoming_hand_offs),
        contact_lost=involvement.contact_lost, holds_lead=involvement.holds_lead,
        exited=involvement.exited, details=details,
    )


def common_router(runner: CommandRunner, *, identify: bool = True) -> Router:
    """Routes for what all four agencies record alike (``identify``: POST /persons)."""
    app = runner.application
    handlers: list[object] = []

    if identify:
        @post("/persons", status_code=201, sync_to_thread=True, tags=["persons"],
              summary="Identify a person by personnummer at the agency edge")
        def identify_person(data: JSONBody[IdentifyPerson]) -> PersonIdentified:
            return PersonIdentified(person_ref=runner.identify(data.personnummer))

        handlers.append(identify_person)

    @get(PERSON, sync_to_thread=True, tags=["persons"], summary="The agency's own record")
    def get_person(person_ref: FromPath[str]) -> InvolvementView:
        involvement = app.get_involvement(person_ref)
        return view_of(involvement, involvement_details(involvement))

    @post(f"{PERSON}/consents", status_code=201, sync_to_thread=True, tags=["consent"])
    def give_consent(person_ref: FromPath[str], data: JSONBody[GiveConsent]) -> Accepted:
        consent_id = data.consent_id or str(uuid4())
        return runner.run(person_ref, data, lambda i, eff, rec: i.give_consent(
            consent_id=consent_id, consent_scope=data.consent_scope,
            to_agencies=[str(a) for a in data.to_agencies], effective_at=eff, recorded_at=rec,
        ), consent_id=consent_id)

    @post(f"{PERSON}/consents/{{consent_id:str}}/withdraw", status_code=200,
          sync_to_thread=True, tags=["consent"])
    def withdraw_consent(
        person_ref: FromPath[str], consent_id: FromPath[str], data: JSONBody[Command],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.withdraw_consent(
            consent_id=consent_id, effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/hand-offs", status_code=201, sync_to_thread=True, tags=["hand-offs"])
    def request_hand_off(person_ref: FromPath[str], data: JSONBody[RequestHandOff]) -> Accepted:
        hand_off_id = data.hand_off_id or str(uuid4())
        return runner.run(person_ref, data, lambda i, eff, rec: i.request_hand_off(
            hand_off_id=hand_off_id, to_agency=str(data.to_agency), reason=data.reason,
            effective_at=eff, recorded_at=rec,
        ), hand_off_id=hand_off_id)

    @post(f"{PERSON}/hand-offs/{{hand_off_id:str}}/accept", status_code=200,
          sync_to_thread=True, tags=["hand-offs"])
    def accept_hand_off(
        person_ref: FromPath[str], hand_off_id: FromPath[str], data: JSONBody[Command],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.accept_hand_off(
            hand_off_id=hand_off_id, effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/hand-offs/{{hand_off_id:str}}/reject", status_code=200,
          sync_to_thread=True, tags=["hand-offs"])
    def reject_hand_off(
        person_ref: FromPath[str], hand_off_id: FromPath[str], data: JSONBody[RejectHandOff],
    ) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.reject_hand_off(
            hand_off_id=hand_off_id, reason=data.reason, effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/contact/lost", status_code=200, sync_to_thread=True, tags=["contact"])
    def lose_contact(person_ref: FromPath[str], data: JSONBody[Command]) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.lose_contact(
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/contact/resumed", status_code=200, sync_to_thread=True, tags=["contact"])
    def resume_contact(person_ref: FromPath[str], data: JSONBody[Command]) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.resume_contact(
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/lead/assume", status_code=200, sync_to_thread=True, tags=["lead"])
    def assume_lead(person_ref: FromPath[str], data: JSONBody[Command]) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.assume_lead(
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/lead/release", status_code=200, sync_to_thread=True, tags=["lead"])
    def release_lead(person_ref: FromPath[str], data: JSONBody[Command]) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.release_lead(
            effective_at=eff, recorded_at=rec))

    @post(f"{PERSON}/exit", status_code=200, sync_to_thread=True, tags=["exit"])
    def exit_participant(person_ref: FromPath[str], data: JSONBody[ExitParticipant]) -> Accepted:
        return runner.run(person_ref, data, lambda i, eff, rec: i.exit(
            outcome=data.outcome, effective_at=eff, recorded_at=rec))

    handlers += [get_person, give_consent, withdraw_consent,
                 request_hand_off, accept_hand_off, reject_hand_off, lose_contact,
                 resume_contact, assume_lead, release_lead, exit_participant]
    return Router(path="/", route_handlers=handlers)  # type: ignore[arg-type]


def involvement_details(involvement: Involvement) -> dict[str, object]:
    """The agency-specific part of its own record, for its own case workers."""
    skip = {"person_ref", "consents", "outgoing_hand_offs", "incoming_hand_offs",
            "contact_lost", "holds_lead", "exited"}
    return {
        key: sorted(value) if isinstance(value, set) else value
        for key, value in vars(involvement).items()
        if not key.startswith("_") and key not in skip
    }
