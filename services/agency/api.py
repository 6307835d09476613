"""The command API every agency shares: consent, hand-offs, contact, lead, exit, and the
agency's own offerings in the catalogue (insatskatalog).

Controllers are thin: each handler calls the command of the same name on the agency's
application, injected as ``application`` (``create_agency_app`` provides it).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from adapters.auth.principal import Principal, Role
from domain.agencies import RecordedBy
from domain.agency.involvement import Involvement
from services.agency.application import AgencyApplication
from services.agency.schemas import (
    Accepted,
    ChangePlaces,
    Command,
    DisplayNames,
    DisplayNamesAsked,
    ExitParticipant,
    GiveConsent,
    IdentifyPerson,
    InvolvementView,
    OfferingAccepted,
    OfferingView,
    PersonIdentified,
    PublishOffering,
    RecordDisplayName,
    RejectHandOff,
    RequestHandOff,
)

PERSON = "/persons/{person_ref:str}"
AnyRequest = Request[Any, Any, Any]


def recorded_by(request: AnyRequest) -> RecordedBy:
    """Whose act a consent is: the person's own (a ``person`` token), else the agency's.

    The policy table has already let a person in only about their own reference.
    """
    principal: Principal | None = request.scope.get("user")
    is_person = principal is not None and principal.role is Role.PERSON
    return RecordedBy.PERSON if is_person else RecordedBy.AGENCY


def view_of(
    involvement: Involvement, details: dict[str, object], display_name: str | None = None
) -> InvolvementView:
    return InvolvementView(
        person_ref=involvement.person_ref, agency=str(involvement.agency),
        version=involvement.version, consents=dict(involvement.consents),
        outgoing_hand_offs=dict(involvement.outgoing_hand_offs),
        incoming_hand_offs=dict(involvement.incoming_hand_offs),
        contact_lost=involvement.contact_lost, holds_lead=involvement.holds_lead,
        exited=involvement.exited, details=details, display_name=display_name,
    )


class PersonController(Controller):
    """``POST /persons``: identify a person at the agency edge (the kommun enrols instead)."""

    path = "/persons"

    @post(status_code=201, sync_to_thread=True, tags=["persons"],
          summary="Identify a person by personnummer at the agency edge")
    def identify_person(
        self, application: AgencyApplication, data: JSONBody[IdentifyPerson]
    ) -> PersonIdentified:
        return PersonIdentified(person_ref=application.identify(data.personnummer))


class DisplayNamesController(Controller):
    """``POST /display-names``: what this agency's own records call each person asked
    about, for its own case workers' lists (the coordination UI asks, with their token)."""

    path = "/display-names"

    @post(status_code=200, sync_to_thread=True, tags=["persons"],
          summary="Display names of persons from this agency's own records")
    def display_names(
        self, application: AgencyApplication, data: JSONBody[DisplayNamesAsked]
    ) -> DisplayNames:
        return DisplayNames(names=application.get_display_names(data.person_refs))


class InvolvementController(Controller):
    """What all four agencies record alike: consent, hand-offs, contact, lead, exit."""

    path = PERSON

    @get(sync_to_thread=True, tags=["persons"], summary="The agency's own record")
    def get_person(
        self, application: AgencyApplication, person_ref: FromPath[str]
    ) -> InvolvementView:
        involvement = application.get_involvement(person_ref)
        names = application.get_display_names([person_ref])
        return view_of(involvement, involvement_details(involvement), names.get(person_ref))

    @post("/display-name", status_code=200, sync_to_thread=True, tags=["persons"],
          summary="Record how this agency's case workers recognise the person (kept here)")
    def record_display_name(
        self, application: AgencyApplication, person_ref: FromPath[str],
        data: JSONBody[RecordDisplayName],
    ) -> Accepted:
        return application.record_display_name(person_ref, data)

    @post("/consents", status_code=201, sync_to_thread=True, tags=["consent"],
          summary="Record a consent (a case worker, or the person themself with a "
          "person token)")
    def give_consent(
        self, request: AnyRequest, application: AgencyApplication,
        person_ref: FromPath[str], data: JSONBody[GiveConsent],
    ) -> Accepted:
        return application.give_consent(person_ref, data, recorded_by(request))

    @post("/consents/{consent_id:str}/withdraw", status_code=200, sync_to_thread=True,
          tags=["consent"])
    def withdraw_consent(
        self, request: AnyRequest, application: AgencyApplication,
        person_ref: FromPath[str], consent_id: FromPath[str], data: JSONBody[Command],
    ) -> Accepted:
        return application.withdraw_consent(person_ref, consent_id, data, recorded_by(request))

    @post("/hand-offs", status_code=201, sync_to_thread=True, tags=["hand-offs"])
    def request_hand_off(
        self, application: AgencyApplication, person_ref: FromPath[str],
        data: JSONBody[RequestHandOff],
    ) -> Accepted:
        return application.request_hand_off(person_ref, data)

    @post("/hand-offs/{hand_off_id:str}/accept", status_code=200, sync_to_thread=True,
          tags=["hand-offs"])
    def accept_hand_off(
        self, application: AgencyApplication, person_ref: FromPath[str],
        hand_off_id: FromPath[str], data: JSONBody[Command],
    ) -> Accepted:
        return application.accept_hand_off(person_ref, hand_off_id, data)

    @post("/hand-offs/{hand_off_id:str}/reject", status_code=200, sync_to_thread=True,
          tags=["hand-offs"])
    def reject_hand_off(
        self, application: AgencyApplication, person_ref: FromPath[str],
        hand_off_id: FromPath[str], data: JSONBody[RejectHandOff],
    ) -> Accepted:
        return application.reject_hand_off(person_ref, hand_off_id, data)

    @post("/contact/lost", status_code=200, sync_to_thread=True, tags=["contact"])
    def lose_contact(
        self, application: AgencyApplication, person_ref: FromPath[str], data: JSONBody[Command]
    ) -> Accepted:
        return application.lose_contact(person_ref, data)

    @post("/contact/resumed", status_code=200, sync_to_thread=True, tags=["contact"])
    def resume_contact(
        self, application: AgencyApplication, person_ref: FromPath[str], data: JSONBody[Command]
    ) -> Accepted:
        return application.resume_contact(person_ref, data)

    @post("/lead/assume", status_code=200, sync_to_thread=True, tags=["lead"])
    def assume_lead(
        self, application: AgencyApplication, person_ref: FromPath[str], data: JSONBody[Command]
    ) -> Accepted:
        return application.assume_lead(person_ref, data)

    @post("/lead/release", status_code=200, sync_to_thread=True, tags=["lead"])
    def release_lead(
        self, application: AgencyApplication, person_ref: FromPath[str], data: JSONBody[Command]
    ) -> Accepted:
        return application.release_lead(person_ref, data)

    @post("/exit", status_code=200, sync_to_thread=True, tags=["exit"])
    def exit_participant(
        self, application: AgencyApplication, person_ref: FromPath[str],
        data: JSONBody[ExitParticipant],
    ) -> Accepted:
        return application.exit(person_ref, data)


class CatalogueController(Controller):
    """The agency's offerings (insatskatalog): published as events, not about a person.

    Only the agency's own: its token reaches only its own service (ADR 0006), and its
    store holds only its own offerings.
    """

    path = "/catalogue"

    @post(status_code=200, sync_to_thread=True, tags=["catalogue"],
          summary="Publish an offering in the catalogue, or update it (by offering_id)")
    def publish_offering(
        self, application: AgencyApplication, data: JSONBody[PublishOffering]
    ) -> OfferingAccepted:
        return application.publish_offering(data)

    @post("/{offering_id:str}/places", status_code=200, sync_to_thread=True,
          tags=["catalogue"], summary="How many places of the offering are free now")
    def change_places(
        self, application: AgencyApplication, offering_id: FromPath[str],
        data: JSONBody[ChangePlaces],
    ) -> OfferingAccepted:
        return application.change_places(offering_id, data)

    @get("/{offering_id:str}", sync_to_thread=True, tags=["catalogue"],
         summary="The agency's own offering as last published")
    def get_offering(
        self, application: AgencyApplication, offering_id: FromPath[str]
    ) -> OfferingView:
        offering = application.get_offering(offering_id)
        return OfferingView(
            offering_id=offering.offering_id, version=offering.version, name=offering.name,
            places_total=offering.places_total, places_free=offering.places_free,
        )


def involvement_details(involvement: Involvement) -> dict[str, object]:
    """The agency-specific part of its own record, for its own case workers."""
    skip = {"person_ref", "consents", "outgoing_hand_offs", "incoming_hand_offs",
            "contact_lost", "holds_lead", "exited", "began_at", "display_name"}
    return {
        key: sorted(value) if isinstance(value, set) else value
        for key, value in vars(involvement).items()
        if not key.startswith("_") and key not in skip
    }
