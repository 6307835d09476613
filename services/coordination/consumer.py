"""The coordination consumer of one partition: JetStream → shared cases.

Fetch a batch, decode and translate each message (what fails goes to the dead-letter
subject with its reason), fold the batch into the cases and commit it together with the
stream position, then ack. A redelivered or duplicated message is applied again and
changes nothing: the case drops a fact whose event id it holds. Messages at or below the
recorded position are not skipped, because after a crash JetStream redelivers what the
dead process had fetched only after ack_wait, when later messages may have been applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

import msgspec
import structlog
from eventsourcing.persistence import Tracking
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry.trace import SpanKind

from adapters.nats.names import EVENTS_STREAM, coordination_consumer, deadletter_subject
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.pull import fetch_batches
from adapters.store.read_models import Upsert
from adapters.telemetry.tracing import context_from_headers, tracer
from contracts.envelope import decode_message
from contracts.errors import ContractError
from domain.case.facts import Fact
from services.coordination.application import CoordinationApplication
from services.coordination.read_model import position_seen
from services.coordination.translation import Untranslatable, to_fact

log = structlog.get_logger(__name__)

BATCH_SIZE = 500
FETCH_TIMEOUT_SECONDS = 1.0


def tracking_name(partition: int) -> str:
    return f"{EVENTS_STREAM}:p{partition}"


class Translated(msgspec.Struct, frozen=True, kw_only=True):
    """A message as the case takes it, with where it stands in its producer's log."""

    person_ref: str
    fact: Fact
    producer: str
    position: int | None
    previous: int | None

    def position_seen(self, now: datetime) -> Upsert:
        return position_seen(self.producer, self.position or 0, self.previous, now)


class DeadLetter(Exception):
    """A message the case cannot take; ``reason`` travels with it to the dead letters."""


class PartitionConsumer:
    """Applies one partition of the events stream to the coordination store."""

    def __init__(
        self,
        *,
        js: JetStreamContext,
        application: CoordinationApplication,
        partition: int,
        clock: Callable[[], datetime],
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self._js = js
        self._app = application
        self._partition = partition
        self._clock = clock
        self._batch_size = batch_size
        self._tracking = tracking_name(partition)
        self._deadletters = BatchPublisher(js)
        self.applied = 0

    async def run(self, stop: asyncio.Event) -> None:
        durable = coordination_consumer(self._partition)
        subscription = await self._js.pull_subscribe_bind(durable, stream=EVENTS_STREAM)
        log.info("coordination_consumer_started", partition=self._partition)
        try:
            async for messages in fetch_batches(
                subscription, batch_size=self._batch_size,
                poll_seconds=FETCH_TIMEOUT_SECONDS, stop=stop,
            ):
                await self.handle(messages)
        finally:
            await subscription.unsubscribe()
        log.info("coordination_consumer_stopped", partition=self._partition)

    async def handle(self, messages: list[Msg]) -> None:
        """Apply one fetched batch; ack only after the commit."""
        position = await asyncio.to_thread(self._app.process_recorder.max_tracking_id,
                                           self._tracking) or 0
        accepted: list[tuple[Msg, Translated]] = []
        rejected: list[OutgoingMessage] = []
        last = position
        for message in messages:
            # Even at or below the position: it may be a redelivery of a message that a
            # crashed process fetched but never applied (see the module's docstring).
            last = max(last, message.metadata.sequence.stream)
            try:
                accepted.append((message, self._translate(message)))
            except DeadLetter as error:
                rejected.append(_dead_letter(message, str(error)))
        if messages:
            await self._reject(rejected)
            facts = [(t.person_ref, t.fact) for _, t in accepted]
            now = self._clock()
            try:
                await asyncio.to_thread(
                    self._app.ingest, facts, now=now, tracking=self._advance(position, last),
                    extra=[t.position_seen(now) for _, t in accepted if t.position],
                )
            except Exception:  # find the one message the case cannot take
                log.exception("coordination_batch_failed", partition=self._partition)
                await self._apply_one_by_one(accepted, position, last)
            self.applied += len(facts)
        await asyncio.gather(*(message.ack() for message in messages))

    async def _reject(self, rejected: list[OutgoingMessage]) -> None:
        if not rejected:
            return
        # Stored before the position passes them: a dead letter is never lost.
        await self._deadletters.publish(rejected)
        for message in rejected:
            log.warning("coordination_dead_lettered", subject=message.subject,
                        reason=message.headers["Samlad-Reason"])

    def _advance(self, position: int, sequence: int) -> Tracking | None:
        """The tracking record to commit, or None when ``sequence`` is not past it."""
        return Tracking(self._tracking, sequence) if sequence > position else None

    async def _apply_one_by_one(
        self, accepted: list[tuple[Msg, Translated]], position: int, last: int
    ) -> None:
        """A poison message goes to the dead letters; the rest of the batch applies."""
        for message, translated in accepted:
            sequence = message.metadata.sequence.stream
            tracking = self._advance(position, sequence)
            position = max(position, sequence)
            now = self._clock()
            try:
                await asyncio.to_thread(
                    self._app.ingest, [(translated.person_ref, translated.fact)], now=now,
                    tracking=tracking,
                    extra=[translated.position_seen(now)] if translated.position else [],
                )
            except Exception as error:  # a bug or a fact the case refuses
                await self._reject([_dead_letter(message, f"could not apply: {error!r}")])
                if tracking is not None:
                    await asyncio.to_thread(
                        self._app.ingest, [], now=self._clock(), tracking=tracking
                    )
        recorded = await asyncio.to_thread(
            self._app.process_recorder.max_tracking_id, self._tracking
        )
        if (recorded or 0) < last:
            await asyncio.to_thread(
                self._app.ingest, [], now=self._clock(), tracking=Tracking(self._tracking, last)
            )

    def _translate(self, message: Msg) -> Translated:
        with tracer("samlad.coordination").start_as_current_span(
            "coordination.apply", context=context_from_headers(message.headers),
            kind=SpanKind.CONSUMER,
        ) as span:
            span.set_attribute("messaging.destination", message.subject)
            try:
                received = decode_message(message.data, message.headers, subject=message.subject)
                fact = to_fact(received)
            except ContractError as error:
                raise DeadLetter(getattr(error, "reason", str(error))) from error
            except Untranslatable as error:
                raise DeadLetter(str(error)) from error
            span.set_attribute("samlad.event_id", received.envelope.id)
            envelope = received.envelope
            return Translated(
                person_ref=envelope.subject, fact=fact, producer=envelope.source,
                position=envelope.samladposition, previous=envelope.samladprevposition,
            )


def _dead_letter(message: Msg, reason: str) -> OutgoingMessage:
    agency = message.subject.split(".")[1] if message.subject.count(".") >= 1 else "unknown"
    sequence = message.metadata.sequence.stream
    headers = {
        "Nats-Msg-Id": f"deadletter:{EVENTS_STREAM}:{sequence}",
        "Samlad-Reason": reason[:1000],
        "Samlad-Original-Subject": message.subject,
        "Samlad-Original-Sequence": str(sequence),
    }
    return OutgoingMessage(deadletter_subject(agency), message.data, headers)
