"""Hand-offs addressed to this agency arrive from the bus (FHIR Task: received).

The agency can only accept or reject a hand-off it has received, so it follows the
other agencies' ``hand-off-requested`` events and records those addressed to it, with
the stream position, in its own store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import structlog
from eventsourcing.persistence import IntegrityError, Tracking
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from adapters.nats.names import EVENTS_STREAM, handoffs_consumer
from adapters.nats.pull import fetch_batches
from contracts.common import HandOffRequested
from contracts.envelope import decode_message
from contracts.errors import ContractError
from domain.agency.errors import NotFound
from domain.agency.involvement import Involvement
from services.agency.application import AgencyApplication

log = structlog.get_logger(__name__)

SAVE_ATTEMPTS = 8


class IncomingHandOffs:
    """Records hand-offs addressed to ``application.agency``; acks after the commit."""

    def __init__(
        self, *, js: JetStreamContext, application: AgencyApplication,
        clock: Callable[[], datetime],
    ) -> None:
        self._js = js
        self._clock = clock
        self._app = application
        self._agency = str(application.agency)
        self._tracking = f"{EVENTS_STREAM}:{handoffs_consumer(self._agency)}"

    async def run(self, stop: asyncio.Event) -> None:
        durable = handoffs_consumer(self._agency)
        subscription = await self._js.pull_subscribe_bind(durable, stream=EVENTS_STREAM)
        try:
            async for messages in fetch_batches(
                subscription, batch_size=100, poll_seconds=1.0, stop=stop
            ):
                for message in messages:
                    await asyncio.to_thread(self._record, message)
                    await message.ack()
        finally:
            # A pull subscription left open makes the connection's drain time out.
            await subscription.unsubscribe()

    def _record(self, message: Msg) -> None:
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                self._record_once(message)
                return
            except IntegrityError:
                # A command on the same person (e.g. POST /persons opening the record)
                # was saved between our read and our write: read again, record on top.
                if attempt == SAVE_ATTEMPTS:
                    raise

    def _record_once(self, message: Msg) -> None:
        sequence = message.metadata.sequence.stream
        if sequence <= (self._app.process_recorder.max_tracking_id(self._tracking) or 0):
            return
        involvement: Involvement | None = None
        try:
            received = decode_message(message.data, message.headers, subject=message.subject)
        except ContractError as error:
            # Coordination dead-letters what fails its contract; here it is only skipped.
            log.warning("hand_off_undecodable", subject=message.subject, reason=error.reason)
        else:
            event = received.event
            if isinstance(event, HandOffRequested) and event.to_agency == self._agency:
                involvement = self._receive(event, received.spec.agency)
        tracking = Tracking(self._tracking, sequence)
        if involvement is None:
            self._app.save_processed(tracking)
        else:
            self._app.save_processed(tracking, involvement)
            log.info("hand_off_received", hand_off_id=event.hand_off_id,
                     from_agency=received.spec.agency)

    def _receive(self, event: HandOffRequested, from_agency: str) -> Involvement:
        try:
            involvement = self._app.get_involvement(event.person_ref)
        except NotFound:  # the person is new to this agency
            involvement = self._app.involvement_class(
                person_ref=event.person_ref, effective_at=event.effective_at,
                recorded_at=self._clock(),
            )
        involvement.receive_hand_off(
            hand_off_id=event.hand_off_id, from_agency=from_agency, reason=event.reason,
            effective_at=event.effective_at, recorded_at=self._clock(),
        )
        return involvement


