"""``Involvement`` — an agency's own record of one person (ärende, EpisodeOfCare).

What every agency records the same way: consent (samtycke), hand-offs (överlämningar),
contact, lead responsibility (samordningsansvar) and exit (avslut). Each agency's
aggregate extends it with its own work. Event names equal the integration contracts'
names, so the outbox publishes them without a hand-written mapping per event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.agencies import Agency, Outcome, RecordedBy
from domain.agency.errors import Conflict, Invalid, NotFound

INVOLVEMENT_NS = UUID("7f1d3c1e-5a0b-4f38-9a36-2f3c8f7a9d11")


class Involvement(Aggregate):
    """Base of every agency's record of one person."""

    agency: ClassVar[Agency]

    @staticmethod
    def create_id(person_ref: str, **_: Any) -> UUID:
        return uuid5(INVOLVEMENT_NS, person_ref)

    def _open(self, person_ref: str) -> None:
        """Applied by each agency's ``Opened`` event (agency-local, not published).

        eventsourcing gives every aggregate class its own created-event, so each
        subclass declares ``__init__`` and calls this.
        """
        self.person_ref = person_ref
        self.consents: dict[str, str] = {}
        self.outgoing_hand_offs: dict[str, str] = {}
        self.incoming_hand_offs: dict[str, str] = {}
        self.contact_lost = False
        self.holds_lead = False
        self.exited: str | None = None
        self.began_at: dict[str, datetime] = {}
        self.display_name: str | None = None
        self._init_agency()

    def _init_agency(self) -> None:
        """Each agency's own state starts here (called while applying ``Opened``)."""

    # Spans (a benefit, an intervention): nothing ends before it began.
    def _began(self, key: str, effective_at: datetime) -> None:
        """Remember when a benefit or intervention began (applied by its start event)."""
        self.began_at[key] = effective_at

    def _refuse_end_before_start(self, key: str, effective_at: datetime, field: str) -> None:
        began = self.began_at.get(key)
        if began is not None and effective_at < began:
            raise Invalid(
                f"{key} cannot end at {effective_at:%Y-%m-%d}, before it began "
                f"({began:%Y-%m-%d})",
                field=field,
            )

    # Samtycke
    # ``recorded_by`` says whose act it was: the person's own consent on their page is
    # the same fact as one a case worker records, attributed to the person.
    def give_consent(
        self, *, consent_id: str, consent_scope: str, to_agencies: list[str],
        recorded_by: RecordedBy, effective_at: datetime, recorded_at: datetime,
    ) -> None:
        if consent_id in self.consents:
            raise Conflict(f"consent {consent_id} is already recorded", field="consent_id")
        if not to_agencies:
            raise Invalid("consent is given to at least one agency", field="to_agencies")
        self._consent_given(consent_id, consent_scope, to_agencies, effective_at, recorded_at,
                            str(RecordedBy(recorded_by)))

    @event("ConsentGiven")
    def _consent_given(
        self, consent_id: str, consent_scope: str, to_agencies: list[str],
        effective_at: datetime, recorded_at: datetime, recorded_by: str = RecordedBy.AGENCY,
    ) -> None:
        # Events stored before ``recorded_by`` existed were all recorded by the agency.
        self.consents[consent_id] = "given"

    def withdraw_consent(
        self, *, consent_id: str, recorded_by: RecordedBy, effective_at: datetime,
        recorded_at: datetime,
    ) -> None:
        if self.consents.get(consent_id) != "given":
            raise NotFound(f"no consent {consent_id} is in force", field="consent_id")
        self._consent_withdrawn(consent_id, effective_at, recorded_at,
                                str(RecordedBy(recorded_by)))

    @event("ConsentWithdrawn")
    def _consent_withdrawn(
        self, consent_id: str, effective_at: datetime, recorded_at: datetime,
        recorded_by: str = RecordedBy.AGENCY,
    ) -> None:
        self.consents[consent_id] = "withdrawn"

    # Överlämning
    def request_hand_off(
        self, *, hand_off_id: str, to_agency: str, reason: str, offering_id: str | None = None,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        """``offering_id``: the offering in ``to_agency``'s catalogue it proposes, if any."""
        if to_agency == self.agency:
            raise Conflict("a hand-off must go to another agency", field="to_agency")
        if hand_off_id in self.outgoing_hand_offs:
            raise Conflict(f"hand-off {hand_off_id} already requested", field="hand_off_id")
        self._hand_off_requested(
            hand_off_id, to_agency, reason, effective_at, recorded_at, offering_id
        )

    @event("HandOffRequested")
    def _hand_off_requested(
        self, hand_off_id: str, to_agency: str, reason: str,
        effective_at: datetime, recorded_at: datetime, offering_id: str | None = None,
    ) -> None:
        # ``offering_id`` last, with a default: events stored before it existed lack it.
        self.outgoing_hand_offs[hand_off_id] = "requested"

    def receive_hand_off(
        self, *, hand_off_id: str, from_agency: str, reason: str,
        effective_at: datetime, recorded_at: datetime,
    ) -> bool:
        """Record a hand-off addressed to this agency (FHIR Task: received)."""
        if hand_off_id in self.incoming_hand_offs:
            return False
        self._hand_off_received(hand_off_id, from_agency, reason, effective_at, recorded_at)
        return True

    @event("HandOffReceived")
    def _hand_off_received(
        self, hand_off_id: str, from_agency: str, reason: str,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.incoming_hand_offs[hand_off_id] = f"received:{from_agency}"

    def learn_answer(
        self, *, hand_off_id: str, accepted: bool, effective_at: datetime,
        recorded_at: datetime,
    ) -> bool:
        """Record the receiver's answer to a hand-off this agency requested, as the bus
        brings it (FHIR Task: accepted or rejected); False if there is nothing to learn."""
        if self.outgoing_hand_offs.get(hand_off_id) != "requested":
            return False
        answer = "accepted" if accepted else "rejected"
        self._hand_off_answered(hand_off_id, answer, effective_at, recorded_at)
        return True

    @event("HandOffAnswered")
    def _hand_off_answered(
        self, hand_off_id: str, answer: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.outgoing_hand_offs[hand_off_id] = answer

    def _pending_sender(self, hand_off_id: str) -> str:
        status = self.incoming_hand_offs.get(hand_off_id)
        if status is None:
            raise NotFound(
                f"no hand-off {hand_off_id} addressed to {self.agency} was received",
                field="hand_off_id",
            )
        state, _, sender = status.partition(":")
        if state != "received":
            raise Conflict(f"hand-off {hand_off_id} is already {state}", field="hand_off_id")
        return sender

    def accept_hand_off(
        self, *, hand_off_id: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        sender = self._pending_sender(hand_off_id)
        self._hand_off_accepted(hand_off_id, sender, effective_at, recorded_at)

    @event("HandOffAccepted")
    def _hand_off_accepted(
        self, hand_off_id: str, from_agency: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.incoming_hand_offs[hand_off_id] = f"accepted:{from_agency}"

    def reject_hand_off(
        self, *, hand_off_id: str, reason: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        sender = self._pending_sender(hand_off_id)
        self._hand_off_rejected(hand_off_id, sender, reason, effective_at, recorded_at)

    @event("HandOffRejected")
    def _hand_off_rejected(
        self, hand_off_id: str, from_agency: str, reason: str,
        effective_at: datetime, recorded_at: datetime,
    ) -> None:
        self.incoming_hand_offs[hand_off_id] = f"rejected:{from_agency}"

    # Visningsnamn: how the agency's own case workers recognise the person. It stays in
    # this agency's record (never published, never in the shared case).
    def record_display_name(
        self, *, display_name: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        name = display_name.strip()
        if not name:
            raise Invalid("a display name is not blank", field="display_name")
        self._display_name_recorded(name, effective_at, recorded_at)

    @event("DisplayNameRecorded")
    def _display_name_recorded(
        self, display_name: str, effective_at: datetime, recorded_at: datetime
    ) -> None:
        self.display_name = display_name

    # Kontakt
    def lose_contact(self, *, effective_at: datetime, recorded_at: datetime) -> None:
        if self.contact_lost:
            raise Conflict("contact is already recorded as lost")
        self._contact_lost(effective_at, recorded_at)

    @event("ContactLost")
    def _contact_lost(self, effective_at: datetime, recorded_at: datetime) -> None:
        self.contact_lost = True

    def resume_contact(self, *, effective_at: datetime, recorded_at: datetime) -> None:
        if not self.contact_lost:
            raise Conflict("contact was never recorded as lost")
        self._contact_resumed(effective_at, recorded_at)

    @event("ContactResumed")
    def _contact_resumed(self, effective_at: datetime, recorded_at: datetime) -> None:
        self.contact_lost = False

    # Samordningsansvar
    def assume_lead(self, *, effective_at: datetime, recorded_at: datetime) -> None:
        if self.holds_lead:
            raise Conflict(f"{self.agency} already holds lead responsibility")
        self._lead_assumed(effective_at, recorded_at)

    @event("LeadResponsibilityAssumed")
    def _lead_assumed(self, effective_at: datetime, recorded_at: datetime) -> None:
        self.holds_lead = True

    def release_lead(self, *, effective_at: datetime, recorded_at: datetime) -> None:
        if not self.holds_lead:
            raise Conflict(f"{self.agency} does not hold lead responsibility")
        self._lead_released(effective_at, recorded_at)

    @event("LeadResponsibilityReleased")
    def _lead_released(self, effective_at: datetime, recorded_at: datetime) -> None:
        self.holds_lead = False

    # Avslut
    def exit(self, *, outcome: Outcome, effective_at: datetime, recorded_at: datetime) -> None:
        if self.exited is not None:
            raise Conflict(f"the participant already exited ({self.exited})")
        self._exited(outcome, effective_at, recorded_at)

    @event("ParticipantExited")
    def _exited(self, outcome: Outcome, effective_at: datetime, recorded_at: datetime) -> None:
        self.exited = outcome
