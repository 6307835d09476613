"""``OutboxRelay`` follows a store's notification log and publishes to JetStream.

The store is the system of record, so nothing writes the store and NATS separately:
the relay reads committed events, publishes them in atomic batches with a deterministic
``Nats-Msg-Id``, and only then records its position. A crash between publish and
position replays the batch: the server rejects a batch holding an id it already has
(10201), the publisher then publishes that stretch message by message, and JetStream's
duplicate window (and the consumers' tracking) drop the repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple, Protocol

import structlog
from eventsourcing.persistence import Mapper, Notification, ProcessRecorder, Tracking

from adapters.nats.publisher import BatchPublishError, OutgoingMessage
from adapters.store.tracking import insert_trackings
from adapters.telemetry.metrics import count_dead_letters
from contracts.errors import NOT_PUBLISHED

log = structlog.get_logger(__name__)

RETRY_PAUSE_SECONDS = 1.0
STOP_GRACE_SECONDS = 2.0


class Publisher(Protocol):
    """Publishes a batch in order; raises ``BatchPublishError`` naming what was stored."""

    async def publish(self, messages: Sequence[OutgoingMessage]) -> Sequence[object]: ...


Translated = OutgoingMessage | Sequence[OutgoingMessage] | None
"""What a translator makes of one event: one message, several, or none (agency-local)."""


class Translator(Protocol):
    """Turns one stored domain event into its integration message(s), or None."""

    def __call__(self, event: Any, position: int, previous_position: int | None) -> Translated: ...


class _Relayed(NamedTuple):
    """One notification's messages; ``event`` if it takes a place in the producer's chain."""

    position: int
    messages: list[OutgoingMessage]
    event: bool


class _Batch(NamedTuple):
    """A batch read after ``after`` (position, published) and translated."""

    after: tuple[int, int | None]
    relayed: list[_Relayed]
    previous: int | None


class OutboxRelay:
    """Relays one store; ``name`` is its tracking key in that store.

    Two positions are tracked, in one transaction: ``name`` (the last notification
    relayed) and ``name:published`` (the last one published as an event, the next
    message's ``previous``). A dead-lettered event is never a ``previous``: the
    coordination service would report a gap no republish can close.
    """

    def __init__(
        self,
        *,
        name: str,
        recorder: ProcessRecorder,
        mapper: Mapper[Any],
        translate: Translator,
        publisher: Publisher,
        batch_size: int = 1_000,
        poll_interval: float = 0.1,
        on_published: Callable[[int], None] | None = None,
        deadletter_subject: str | None = None,
        stop_grace: float = STOP_GRACE_SECONDS,
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
        self._stop_grace = stop_grace
        self._wakeup = asyncio.Event()
        self._published_key = f"{name}:published"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ahead: _Batch | None = None

    def nudge(self) -> None:
        """Wake the relay now instead of at the next poll; safe from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Relay until ``stop``; an unreachable stream is waited out, quietly.

        The publisher retries each batch through a leader election; if NATS stays away
        longer, the relay keeps retrying the same batch (never skipping, never
        reordering) and says so once per outage, without a traceback.
        """
        self._loop = asyncio.get_running_loop()
        log.info("outbox_relay_started", relay=self.name)
        waiting_since: float | None = None
        while not stop.is_set():
            try:
                relayed = await self._until_stopped(self.relay_once(), stop)
            except BatchPublishError as error:
                if waiting_since is None:
                    waiting_since = self._loop.time()
                    log.warning("outbox_relay_waiting_for_nats", relay=self.name, error=str(error))
                await _wait(stop, RETRY_PAUSE_SECONDS)
                continue
            except Exception:
                log.exception("outbox_relay_failed", relay=self.name)
                await _wait(stop, RETRY_PAUSE_SECONDS)
                continue
            if waiting_since is not None and relayed is not None:
                log.info(
                    "outbox_relay_resumed",
                    relay=self.name,
                    waited=round(self._loop.time() - waiting_since, 1),
                )
                waiting_since = None
            if not relayed:
                self._wakeup.clear()
                await _wait_any(stop, self._wakeup, self._poll_interval)
        log.info("outbox_relay_stopped", relay=self.name)

    async def _until_stopped(self, work: Awaitable[int], stop: asyncio.Event) -> int | None:
        """``work``'s result; on ``stop``, a grace to finish, then it is cancelled.

        Cancelled mid-publish, the position stays where it was: the batch is published
        again on restart and its copies are dropped as duplicates.
        """
        task = asyncio.ensure_future(work)
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
            if not task.done():
                await asyncio.wait([task], timeout=self._stop_grace)
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                return None
            return task.result()
        finally:
            stopping.cancel()

    async def relay_once(self) -> int:
        """Publish the next batch after the recorded position; returns how many read.

        While the broker commits this batch, the next one is read and translated (the
        publish mostly waits on the server's fsync); it is used only if the position
        it was read from is the one recorded by then.
        """
        position, published = await asyncio.to_thread(self._positions)
        batch, self._ahead = self._ahead, None
        # An empty read-ahead may predate a commit (and its nudge): read again.
        if batch is None or batch.after != (position, published) or not batch.relayed:
            batch = await asyncio.to_thread(self._prepare, position, published)
        if not batch.relayed:
            return 0
        last = batch.relayed[-1].position
        ahead = asyncio.ensure_future(asyncio.to_thread(self._prepare, last, batch.previous))
        messages = [message for item in batch.relayed for message in item.messages]
        try:
            if messages:
                await self._publisher.publish(messages)
        except BatchPublishError as error:
            ahead.cancel()
            # Keep what was stored: advance to just before the first failure.
            done, done_previous = _stored_prefix(
                batch.relayed, error.acknowledged_prefix, position, published
            )
            await asyncio.to_thread(self._record, (position, published), (done, done_previous))
            raise
        except BaseException:
            ahead.cancel()
            raise
        await asyncio.to_thread(self._record, (position, published), (last, batch.previous))
        self._ahead = await ahead
        log.debug(
            "outbox_relayed",
            relay=self.name,
            read=len(batch.relayed),
            published=len(messages),
            position=last,
        )
        if self._on_published is not None:
            self._on_published(len(messages))
        return len(batch.relayed)

    def _prepare(self, position: int, published: int | None) -> _Batch:
        notifications = self._recorder.select_notifications(position + 1, self._batch_size)
        relayed, previous = self._translated(notifications, published)
        return _Batch((position, published), relayed, previous)

    async def republish(self, start: int, end: int | None = None) -> int:
        """Publish again what was already relayed from ``start`` (to ``end``); how many.

        Answers a gap the coordination service reports (invariant 3: the store, not the
        bus, is the memory). Each message is the same CloudEvent (same id, same
        ``previous``) under a ``Nats-Msg-Id`` of this republish's own: a purge does not
        clear the stream's duplicate window, so under the first id a purged message
        would be dropped as a copy of itself for ten minutes (ADR 0015). A copy that
        did arrive is dropped by the consumers, which keep facts by CloudEvent id. Dead
        letters keep their ids: one stored event is parked once. The relay's own
        position does not move.
        """
        relayed_to, _ = await asyncio.to_thread(self._positions)
        last = relayed_to if end is None else min(end, relayed_to)
        start = max(start, 1)
        if start > last:
            return 0
        previous = await asyncio.to_thread(self._published_before, start)
        attempt = uuid.uuid4().hex
        published = 0
        position = start
        while position <= last:
            notifications: Sequence[Notification] = await asyncio.to_thread(
                self._recorder.select_notifications, position, self._batch_size, last
            )
            if not notifications:
                break
            relayed, previous = await asyncio.to_thread(self._translated, notifications, previous)
            messages = [
                _republished(message, attempt) if item.event else message
                for item in relayed
                for message in item.messages
            ]
            if messages:
                await self._publisher.publish(messages)
            published += len(messages)
            position = notifications[-1].id + 1
        log.info("outbox_republished", relay=self.name, start=start, end=last, published=published)
        return published

    def _translated(
        self, notifications: Sequence[Notification], previous: int | None
    ) -> tuple[list[_Relayed], int | None]:
        """Each notification's messages in log order, and the last event's position."""
        relayed = []
        for notification in notifications:
            messages, event = self._messages_for(notification, previous)
            relayed.append(_Relayed(notification.id, messages, event))
            if event:
                previous = notification.id
        return relayed, previous

    def _messages_for(
        self, notification: Notification, previous: int | None
    ) -> tuple[list[OutgoingMessage], bool]:
        """The integration messages, or a dead letter when the event breaks its contract.

        A stored event that cannot be published must not hold back every event after it;
        it stays in the store (the system of record) and its dead letter says why.
        """
        try:
            event = self._mapper.to_domain_event(notification)
            messages = _as_list(self._translate(event, notification.id, previous))
            return messages, bool(messages)
        except Exception as error:
            if self._deadletter_subject is None:
                raise
            log.error(
                "outbox_event_dead_lettered",
                relay=self.name,
                notification_id=notification.id,
                topic=notification.topic,
                reason=repr(error),
            )
            count_dead_letters(self._deadletter_subject.split(".")[2])
            return [
                OutgoingMessage(
                    self._deadletter_subject,
                    notification.state,
                    {
                        "Nats-Msg-Id": f"deadletter:{self._deadletter_subject}:{notification.id}",
                        "Samlad-Reason": f"{NOT_PUBLISHED}: {error!r}"[:1000],
                        "Samlad-Original-Topic": notification.topic,
                        "Samlad-Original-Position": str(notification.id),
                    },
                )
            ], False

    def _published_before(self, start: int) -> int | None:
        """The last notification before ``start`` that was published as an event."""
        stop = start - 1
        while stop >= 1:
            low = max(1, stop - self._batch_size + 1)
            notifications = self._recorder.select_notifications(low, self._batch_size, stop)
            for notification in reversed(notifications):
                try:
                    event = self._mapper.to_domain_event(notification)
                    if _as_list(self._translate(event, notification.id, None)):
                        return notification.id
                except Exception:  # dead-lettered: no one's previous
                    continue
            stop = low - 1
        return None

    def _positions(self) -> tuple[int, int | None]:
        position = self._recorder.max_tracking_id(self.name) or 0
        return position, self._recorder.max_tracking_id(self._published_key)

    def _record(self, was: tuple[int, int | None], now: tuple[int, int | None]) -> None:
        # Both positions in one transaction; a tracking row only ever moves forward.
        trackings = []
        if now[1] is not None and now[1] != was[1]:
            trackings.append(Tracking(self._published_key, now[1]))
        if now[0] > was[0]:
            trackings.append(Tracking(self.name, now[0]))
        if trackings:
            insert_trackings(self._recorder, trackings)


def _republished(message: OutgoingMessage, attempt: str) -> OutgoingMessage:
    """``message`` under a ``Nats-Msg-Id`` of republish ``attempt`` (the CloudEvent's id
    unchanged): retries within the attempt stay deduplicated by the stream."""
    msg_id = f"{message.headers['Nats-Msg-Id']}:republish:{attempt}"
    return OutgoingMessage(
        message.subject, message.payload, {**message.headers, "Nats-Msg-Id": msg_id}
    )


def _as_list(translated: Translated) -> list[OutgoingMessage]:
    if translated is None:
        return []
    if isinstance(translated, OutgoingMessage):
        return [translated]
    return list(translated)


def _stored_prefix(
    relayed: Sequence[_Relayed], acknowledged: int, position: int, published: int | None
) -> tuple[int, int | None]:
    """How far the relay may advance when the first ``acknowledged`` messages are stored:
    past every notification all of whose messages are among them."""
    count = 0
    for item in relayed:
        if count + len(item.messages) > acknowledged:
            return max(position, item.position - 1), published
        count += len(item.messages)
        position = item.position
        if item.event:
            published = item.position
    return position, published


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
