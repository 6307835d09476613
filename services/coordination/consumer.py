"""The coordination consumer of one partition: JetStream → shared cases (and catalogue).

``adapters.nats.consumer.DurableConsumer`` does the fetching, retrying, dead-lettering
and acking; this module says how a message becomes a fact of a case and how a batch of
facts commits with the stream position. A redelivered or duplicated message is applied
again and changes nothing: the case drops a fact whose event id it holds. Catalogue
events (not about a person) go to the catalogue read model in the same commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec
from eventsourcing.persistence import Tracking
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from opentelemetry.trace import SpanKind

from adapters.nats.consumer import BATCH_SIZE, DurableConsumer, Poison
from adapters.nats.names import EVENTS_STREAM, coordination_consumer, deadletter_subject
from adapters.store.read_models import Upsert
from adapters.telemetry.tracing import context_from_headers, tracer
from contracts.base import is_person_bound
from contracts.envelope import decode_message
from contracts.errors import NOT_TRANSLATED, ContractError
from domain.case.facts import Fact
from domain.catalogue.listing import CatalogueFact
from services.coordination.application import CoordinationApplication
from services.coordination.catalogue import catalogue_changes, catalogue_fact
from services.coordination.read_model import position_seen
from services.coordination.translation import Untranslatable, to_fact


def tracking_name(partition: int) -> str:
    return f"{EVENTS_STREAM}:p{partition}"


class Translated(msgspec.Struct, frozen=True, kw_only=True):
    """A message as the case (or the catalogue) takes it, with where it stands in its
    producer's log. Exactly one of ``fact`` (with its person) and ``listing`` is set."""

    person_ref: str | None = None
    fact: Fact | None = None
    listing: CatalogueFact | None = None
    producer: str
    position: int | None
    previous: int | None

    def position_seen(self, now: datetime) -> Upsert:
        return position_seen(self.producer, self.position or 0, self.previous, now)


class CaseFacts:
    """The handler: a message becomes a fact; a batch of facts commits with its position."""

    def __init__(
        self, application: CoordinationApplication, clock: Callable[[], datetime]
    ) -> None:
        self._app = application
        self._clock = clock

    def translate(self, message: Msg) -> Translated:
        with tracer("samlad.coordination").start_as_current_span(
            "coordination.apply", context=context_from_headers(message.headers),
            kind=SpanKind.CONSUMER,
        ) as span:
            span.set_attribute("messaging.destination", message.subject)
            try:
                received = decode_message(message.data, message.headers, subject=message.subject)
                person_bound = is_person_bound(received.spec.struct)
                fact = to_fact(received) if person_bound else None
                listing = None if person_bound else catalogue_fact(received)
            except ContractError as error:
                raise Poison(getattr(error, "reason", str(error))) from error
            except Untranslatable as error:  # a registered type the case has no fact for
                raise Poison(f"{NOT_TRANSLATED}: {error}") from error
            span.set_attribute("samlad.event_id", received.envelope.id)
            envelope = received.envelope
            return Translated(
                person_ref=envelope.subject if person_bound else None, fact=fact,
                listing=listing, producer=envelope.source,
                position=envelope.samladposition, previous=envelope.samladprevposition,
            )

    def apply(self, items: Sequence[Translated], tracking: Tracking | None) -> None:
        now = self._clock()
        listings = [t.listing for t in items if t.listing is not None]
        self._app.ingest(
            [(t.person_ref, t.fact) for t in items
             if t.person_ref is not None and t.fact is not None],
            now=now, tracking=tracking,
            extra=[*catalogue_changes(self._app, listings),
                   *(t.position_seen(now) for t in items if t.position)],
        )


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
        self._consumer = DurableConsumer(
            js=js, durable=coordination_consumer(partition),
            handler=CaseFacts(application, clock), recorder=application.process_recorder,
            tracking=tracking_name(partition),
            # A message is parked under the agency that published it.
            deadletter_subject=lambda message: deadletter_subject(_publisher_of(message)),
            batch_size=batch_size,
        )

    @property
    def applied(self) -> int:
        return self._consumer.applied

    async def run(self, stop: asyncio.Event) -> None:
        await self._consumer.run(stop)


def _publisher_of(message: Msg) -> str:
    tokens = message.subject.split(".")
    return tokens[1] if len(tokens) > 1 else "unknown"
