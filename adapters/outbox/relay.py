"""``OutboxRelay`` follows a store's notification log and publishes to JetStream.

The store is the system of record, so nothing writes the store and NATS separately:
the relay reads committed events, publishes them in async batches with a deterministic
``Nats-Msg-Id``, and only then records its position. A crash between publish and
position replays the batch; JetStream's duplicate window (and the consumers' tracking)
drop the repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import structlog
from eventsourcing.persistence import Mapper, Notification, ProcessRecorder, Tracking

from adapters.nats.publisher import BatchPublishError, OutgoingMessage
from adapters.telemetry.metrics import count_dead_letters

log = structlog.get_logger(__name__)


class Publisher(Protocol):
    """Publishes a batch in order; raises ``BatchPublishError`` naming what was stored."""

    async def publish(self, messages: Sequence[OutgoingMessage]) -> Sequence[object]: ...


class Translator(Protocol):
    """Turns one stored domain event into an integration message, or None (agency-local)."""

    def __call__(
        self, event: Any, position: int, previous_position: int | None
    ) -> OutgoingMessage | None: ...


class OutboxRelay:
    """Relays one store; ``name`` is its tracking key in that store."""

    def __init__(
        self,
        *,
        name: str,
        recorder: ProcessRecorder,
        mapper: Mapper[Any],
        translate: Translator,
        publisher: Publisher,
        batch_size: int = 500,
        poll_interval: float = 0.1,
        on_published: Callable[[int], None] | None = None,
        deadletter_subject: str | None = None,
    ) -> None:
        self.name = name
        self._recorder = recorder
        self._mapper = mapper
        self._translate = translate
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._on_published = on_published
        self._deadletter_subject = deadletter_subject
        self._wakeup = asyncio.Event()
        self._published_key = f"{name}:published"
        self._loop: asyncio.AbstractEventLoop | None = None

    def nudge(self) -> None:
        """Wake the relay now instead of at the next poll; safe from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def run(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        log.info("outbox_relay_started", relay=self.name)
        while not stop.is_set():
            try:
                relayed = await self.relay_once()
            except Exception:
                log.exception("outbox_relay_failed", relay=self.name)
                relayed = 0
                await _wait(stop, 1.0)
            if relayed == 0:
                self._wakeup.clear()
                await _wait_any(stop, self._wakeup, self._poll_interval)
        log.info("outbox_relay_stopped", relay=self.name)

    async def relay_once(self) -> int:
        """Publish the next batch after the recorded position; returns how many read."""
        position, previous = await asyncio.to_thread(self._positions)
        notifications: list[Notification] = await asyncio.to_thread(
            self._recorder.select_notifications, position + 1, self._batch_size
        )
        if not notifications:
            return 0
        messages: list[OutgoingMessage] = []
        positions: list[int] = []
        for notification in notifications:
            message = self._message_for(notification, previous)
            if message is not None:
                messages.append(message)
                positions.append(notification.id)
                previous = notification.id
        if messages:
            try:
                await self._publisher.publish(messages)
            except BatchPublishError as error:
                # Keep what was stored: advance to just before the first failure.
                stored = error.acknowledged_prefix
                if stored:
                    last = positions[stored - 1]
                    await asyncio.to_thread(self._record, last, last)
                raise
        await asyncio.to_thread(self._record, notifications[-1].id, previous)
        log.debug("outbox_relayed", relay=self.name, read=len(notifications),
                  published=len(messages), position=notifications[-1].id)
        if self._on_published is not None:
            self._on_published(len(messages))
        return len(notifications)

    async def republish(self, start: int, end: int | None = None) -> int:
        """Publish again what was already relayed from ``start`` (to ``end``); how many.

        Answers a gap the coordination service reports (invariant 3: the store, not the
        bus, is the memory). The same deterministic ids make every copy that did arrive
        a duplicate; the relay's own position does not move.
        """
        relayed, _ = await asyncio.to_thread(self._positions)
        last = relayed if end is None else min(end, relayed)
        published = 0
        previous: int | None = None
        position = start
        while position <= last:
            notifications: list[Notification] = await asyncio.to_thread(
                self._recorder.select_notifications, position,
                min(self._batch_size, last - position + 1),
            )
            if not notifications:
                break
            messages = []
            for notification in notifications:
                message = self._message_for(notification, previous)
                if message is not None:
                    messages.append(message)
                    previous = notification.id
            if messages:
                await self._publisher.publish(messages)
            published += len(messages)
            position = notifications[-1].id + 1
        log.info("outbox_republished", relay=self.name, start=start, end=last,
                 published=published)
        return published

    def _message_for(
        self, notification: Notification, previous: int | None
    ) -> OutgoingMessage | None:
        """The integration message, or a dead letter when the event breaks its contract.

        A stored event that cannot be published must not hold back every event after it;
        it stays in the store (the system of record) and its dead letter says why.
        """
        try:
            event = self._mapper.to_domain_event(notification)
            return self._translate(event, notification.id, previous)
        except Exception as error:
            if self._deadletter_subject is None:
                raise
            log.error("outbox_event_dead_lettered", relay=self.name,
                      notification_id=notification.id, topic=notification.topic,
                      reason=repr(error))
            count_dead_letters(self._deadletter_subject.rsplit(".", 1)[-1])
            return OutgoingMessage(self._deadletter_subject, notification.state, {
                "Nats-Msg-Id": f"deadletter:{self.name}:{notification.id}",
                "Samlad-Reason": f"could not publish by contract: {error!r}"[:1000],
                "Samlad-Original-Topic": notification.topic,
                "Samlad-Original-Position": str(notification.id),
            })

    def _positions(self) -> tuple[int, int | None]:
        position = self._recorder.max_tracking_id(self.name) or 0
        return position, self._recorder.max_tracking_id(self._published_key)

    def _record(self, position: int, published: int | None) -> None:
        # The last published position first: after a crash between the two writes the
        # batch is re-read and re-published as duplicates, which JetStream drops.
        if published is not None and published != self._recorder.max_tracking_id(
            self._published_key
        ):
            self._recorder.insert_tracking(Tracking(self._published_key, published))
        self._recorder.insert_tracking(Tracking(self.name, position))


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _wait_any(stop: asyncio.Event, wakeup: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wakeup.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
