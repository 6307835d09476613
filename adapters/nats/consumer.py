"""``DurableConsumer`` — the one way Samlad applies a durable pull consumer to a store.

Fetch a batch (``fetch_batches``); translate each message in a worker thread (a message
that can never be taken raises ``Poison`` and is parked as a dead letter with its reason);
apply the batch and the stream position in one transaction (the handler, in a worker
thread); ack only after that commit (invariant 4, ADR 0002).

A redelivered message is applied again, never skipped by position: after a crash
JetStream redelivers what the dead process had fetched only after ``ack_wait``, when a
restarted process may already have recorded later messages. The handler's effects are
idempotent by event id (the aggregate drops what it already holds), so applying twice
changes nothing.

A failure is classified in one place (``adapters.store.failures``, invariant 9): a
transient store error is retried with back-off while the batch stays unacked and is
kept ours with ``in_progress()``, so JetStream does not hand it to another process
mid-retry; a lost race is retried a bounded number of times; poison from applying is
isolated by applying the batch one message at a time, and only the message that fails
on its own is dead-lettered.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Generic, Protocol, TypeVar

import structlog
from eventsourcing.persistence import ProcessRecorder, Tracking
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from adapters.nats.deadletters import dead_letter
from adapters.nats.names import EVENTS_STREAM
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.pull import fetch_batches
from adapters.store.failures import Failure, classify
from adapters.telemetry.metrics import count_dead_letters
from contracts.errors import NOT_APPLIED, NOT_TRANSLATED

log = structlog.get_logger(__name__)

T = TypeVar("T")

BATCH_SIZE = 500
POLL_SECONDS = 1.0
INITIAL_BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 5.0
MAX_CONFLICTS = 8
"""Lost races on one batch before it counts as poison (a race does not repeat forever)."""


class Poison(Exception):
    """A message this consumer can never take; ``str(error)`` is its dead letter's reason."""


class Handler(Protocol[T]):
    """What a consumer does with its messages; both methods run in a worker thread."""

    def translate(self, message: Msg) -> T | None:
        """The message as the store takes it, or None when it does not concern us.

        Raises ``Poison`` for a message that can never be applied.
        """
        ...

    def apply(self, items: Sequence[T], tracking: Tracking | None) -> None:
        """Apply ``items`` and record ``tracking`` (if any) in one transaction.

        Must be idempotent: ``items`` may hold messages applied before (redeliveries).
        """
        ...


class _Stopped(Exception):
    """Shutdown came while a batch was being retried: leave it for the next process."""


class DurableConsumer(Generic[T]):
    """Applies the durable ``durable`` of ``stream`` through ``handler``.

    ``tracking`` names the position in ``recorder`` (the handler's store);
    ``deadletter_subject`` says where a poison message is parked (the consumer's
    identity must be allowed to publish there).
    """

    def __init__(
        self,
        *,
        js: JetStreamContext,
        durable: str,
        handler: Handler[T],
        recorder: ProcessRecorder,
        tracking: str,
        deadletter_subject: Callable[[Msg], str],
        stream: str = EVENTS_STREAM,
        batch_size: int = BATCH_SIZE,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.durable = durable
        self._js = js
        self._stream = stream
        self._handler = handler
        self._recorder = recorder
        self._tracking = tracking
        self._deadletter_subject = deadletter_subject
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._deadletters = BatchPublisher(js)
        self._stop = asyncio.Event()
        # Replaced by a third of the consumer's ack_wait once bound.
        self._heartbeat_seconds = 10.0
        self.applied = 0
        self.dead_lettered = 0

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        subscription = await self._js.pull_subscribe_bind(self.durable, stream=self._stream)
        info = await subscription.consumer_info()
        ack_wait = info.config.ack_wait or 30.0
        self._heartbeat_seconds = max(ack_wait / 3, 0.05)
        log.info("consumer_started", consumer=self.durable, ack_wait=ack_wait)
        try:
            async for messages in fetch_batches(
                subscription, batch_size=self._batch_size,
                poll_seconds=self._poll_seconds, stop=stop,
            ):
                await self.handle(messages)
        finally:
            # A pull subscription left open makes the connection's drain time out.
            await subscription.unsubscribe()
        log.info("consumer_stopped", consumer=self.durable)

    async def handle(self, messages: list[Msg]) -> None:
        """Apply one fetched batch; ack only after its commit."""
        try:
            async with self._holding(messages):
                await self._handle(messages)
        except _Stopped:
            # Redelivered at once to whoever binds next, instead of after ack_wait.
            await asyncio.gather(*(m.nak() for m in messages), return_exceptions=True)
            log.info("consumer_batch_left", consumer=self.durable, messages=len(messages))
            return
        await asyncio.gather(*(message.ack() for message in messages))

    async def _handle(self, messages: list[Msg]) -> None:
        translated = await asyncio.to_thread(self._translate_all, messages)
        letters = [dead_letter(m, reason, self._deadletter_subject(m), consumer=self.durable)
                   for m, _, reason in translated if reason is not None]
        work = [(m, item) for m, item, _ in translated if item is not None]
        last = max(m.metadata.sequence.stream for m in messages)
        # Parked before the position passes them: a dead letter is never lost.
        await self._park(letters)
        try:
            await self._retrying(self._apply, [item for _, item in work], last)
        except _Stopped:
            raise
        except Exception as error:  # find the message the store can never take
            log.warning("consumer_batch_poisoned", consumer=self.durable, error=repr(error))
            await self._apply_one_by_one(work, last)
            return
        self.applied += len(work)

    def _translate_all(self, messages: list[Msg]) -> list[tuple[Msg, T | None, str | None]]:
        results: list[tuple[Msg, T | None, str | None]] = []
        for message in messages:
            try:
                results.append((message, self._handler.translate(message), None))
            except Poison as error:
                results.append((message, None, str(error)))
            except Exception as error:  # a bug in translation: park the message, say why
                log.exception("consumer_translate_failed", consumer=self.durable)
                results.append((message, None, f"{NOT_TRANSLATED}: {error!r}"))
        return results

    async def _apply_one_by_one(self, work: list[tuple[Msg, T]], last: int) -> None:
        for message, item in work:
            try:
                await self._retrying(self._apply, [item], message.metadata.sequence.stream)
            except _Stopped:
                raise
            except Exception as error:  # this one the store can never take
                reason = f"{NOT_APPLIED}: {error!r}"
                await self._park([dead_letter(message, reason, self._deadletter_subject(message),
                                              consumer=self.durable)])
            else:
                self.applied += 1
        # The position passes the parked messages too.
        await self._retrying(self._apply, [], last)

    async def _apply(self, items: list[T], last: int) -> None:
        await asyncio.to_thread(self._apply_sync, items, last)

    def _apply_sync(self, items: list[T], last: int) -> None:
        # Read on every attempt: a lost race may have moved the position meanwhile.
        position = self._recorder.max_tracking_id(self._tracking) or 0
        tracking = Tracking(self._tracking, last) if last > position else None
        if items or tracking is not None:
            self._handler.apply(items, tracking)

    async def _park(self, letters: list[OutgoingMessage]) -> None:
        if not letters:
            return
        # Publishing can only fail for a while (broker, election): always retried.
        await self._retrying(self._deadletters.publish, letters,
                             classify=lambda _: Failure.TRANSIENT)
        self.dead_lettered += len(letters)
        for letter in letters:
            log.warning("consumer_dead_lettered", consumer=self.durable,
                        subject=letter.headers.get("Samlad-Original-Subject"),
                        reason=letter.headers.get("Samlad-Reason"))
            # samlad.deadletter.<producer>.<parked_by>
            count_dead_letters(letter.subject.split(".")[2])

    async def _retrying(
        self,
        attempt: Callable[..., Awaitable[object]],
        *args: object,
        classify: Callable[[BaseException], Failure] = classify,
    ) -> None:
        """Run ``attempt`` until it succeeds; transient failures and races are retried."""
        delay = INITIAL_BACKOFF_SECONDS
        conflicts = 0
        while True:
            try:
                await attempt(*args)
                return
            except Exception as error:
                failure = classify(error)
                if failure is Failure.POISON:
                    raise
                if failure is Failure.CONFLICT:
                    conflicts += 1
                    if conflicts > MAX_CONFLICTS:
                        raise
                log.warning("consumer_retrying", consumer=self.durable, failure=failure.value,
                            error=repr(error), delay=delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=delay)
            if self._stop.is_set():
                raise _Stopped
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    @contextlib.asynccontextmanager
    async def _holding(self, messages: list[Msg]) -> AsyncIterator[None]:
        """Tell JetStream the batch is still being worked on, so it stays ours."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(self._heartbeat_seconds)
                await asyncio.gather(*(m.in_progress() for m in messages),
                                     return_exceptions=True)

        heartbeat = asyncio.create_task(beat())
        try:
            yield
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
