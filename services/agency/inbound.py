"""Hand-offs addressed to this agency arrive from the bus (FHIR Task: received).

The agency can only accept or reject a hand-off it has received, so it follows the
other agencies' ``hand-off-requested`` events and records those addressed to it, with
the stream position, in its own store. It follows their answers too: an acceptance or
a rejection of a hand-off this agency requested updates its own record, so the sender
never keeps saying "requested" after the receiver answered.
``adapters.nats.consumer.DurableConsumer`` does the fetching, retrying and acking; a
redelivered hand-off is recorded again and changes nothing, because the ``Involvement``
ignores a hand-off id it already holds (and an answer it already learnt).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec
import structlog
from eventsourcing.persistence import Tracking
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from adapters.nats.consumer import DurableConsumer
from adapters.nats.names import (
    EVENTS_STREAM,
    PARKED_BY_OUTBOX,
    deadletter_subject,
    handoffs_consumer,
)
from contracts.common import HandOffAccepted, HandOffRejected, HandOffRequested
from contracts.envelope import decode_message
from contracts.errors import ContractError
from domain.agency.errors import NotFound
from domain.agency.involvement import Involvement
from services.agency.application import AgencyApplication

log = structlog.get_logger(__name__)

BATCH_SIZE = 100


class Arrived(msgspec.Struct, frozen=True, kw_only=True):
    """A hand-off addressed to this agency, as it came off the bus."""

    event: HandOffRequested
    from_agency: str


class Answered(msgspec.Struct, frozen=True, kw_only=True):
    """Another agency's answer to a hand-off this agency requested."""

    event: HandOffAccepted | HandOffRejected


Inbound = Arrived | Answered

class HandOffsReceived:
    """The handler: a hand-off addressed to us becomes ``HandOffReceived`` on the person."""

    def __init__(self, application: AgencyApplication, clock: Callable[[], datetime]) -> None:
        self._app = application
        self._agency = str(application.agency)
        self._clock = clock

    def translate(self, message: Msg) -> Inbound | None:
        try:
            received = decode_message(message.data, message.headers, subject=message.subject)
        except ContractError as error:
            # Coordination dead-letters what fails its contract; here it is only skipped.
            log.warning("hand_off_undecodable", subject=message.subject, reason=error.reason)
            return None
        event = received.event
        if isinstance(event, HandOffRequested) and event.to_agency == self._agency:
            return Arrived(event=event, from_agency=received.spec.agency)
        if isinstance(event, HandOffAccepted | HandOffRejected) and (
            event.from_agency == self._agency
        ):
            return Answered(event=event)
        return None

    def apply(self, items: Sequence[Inbound], tracking: Tracking | None) -> None:
        changed: dict[str, Involvement] = {}
        for arrived in items:
            ref = arrived.event.person_ref
            if isinstance(arrived, Answered):
                self._learn(arrived, changed)
                continue
            involvement = changed.get(ref) or self._involvement(arrived.event)
            if involvement.receive_hand_off(
                hand_off_id=arrived.event.hand_off_id, from_agency=arrived.from_agency,
                reason=arrived.event.reason, effective_at=arrived.event.effective_at,
                recorded_at=self._clock(),
            ):
                changed[ref] = involvement
                log.info("hand_off_received", hand_off_id=arrived.event.hand_off_id,
                         from_agency=arrived.from_agency)
        if changed or tracking is not None:
            self._app.save_processed(tracking, *changed.values())

    def _learn(self, answered: Answered, changed: dict[str, Involvement]) -> None:
        event = answered.event
        try:
            involvement = changed.get(event.person_ref) or self._app.get_involvement(
                event.person_ref)
        except NotFound:  # an answer to a hand-off this store never requested
            return
        if involvement.learn_answer(
            hand_off_id=event.hand_off_id, accepted=isinstance(event, HandOffAccepted),
            effective_at=event.effective_at, recorded_at=self._clock(),
        ):
            changed[event.person_ref] = involvement
            log.info("hand_off_answer_learnt", hand_off_id=event.hand_off_id,
                     accepted=isinstance(event, HandOffAccepted))

    def _involvement(self, event: HandOffRequested) -> Involvement:
        try:
            return self._app.get_involvement(event.person_ref)
        except NotFound:  # the person is new to this agency
            return self._app.open_involvement(
                event.person_ref, event.effective_at, self._clock()
            )


class IncomingHandOffs:
    """Records hand-offs addressed to ``application.agency``; acks after the commit."""

    def __init__(
        self, *, js: JetStreamContext, application: AgencyApplication,
        clock: Callable[[], datetime],
    ) -> None:
        agency = str(application.agency)
        durable = handoffs_consumer(agency)
        self._consumer = DurableConsumer[Inbound](
            js=js, durable=durable, handler=HandOffsReceived(application, clock),
            recorder=application.process_recorder, tracking=f"{EVENTS_STREAM}:{durable}",
            # An agency parks only under its own name and its own verdict: coordination's
            # verdicts (…<agency>.coordination) it may read but never write.
            deadletter_subject=lambda _: deadletter_subject(agency, PARKED_BY_OUTBOX),
            batch_size=BATCH_SIZE,
        )

    async def run(self, stop: asyncio.Event) -> None:
        await self._consumer.run(stop)
