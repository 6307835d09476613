"""Publish messages to JetStream in atomic batches, in order, retrying through elections.

A batch (Nats-Batch-Id / -Sequence / -Commit, ≤ 1,000 messages, one stream) is stored
all-or-nothing with one fsync: the outbox's throughput with ``sync_interval: always``.
Order is kept because batches go one after another and a failed batch is retried whole,
in order, with the same ``Nats-Msg-Id``s (ADR 0004: one person's events stay in order).

A publish that timed out may still have been stored. Retried, its batch then holds an
id already in the duplicate window, and the server rejects the whole batch (err_code
10201). That stretch is then published message by message, each deduplicated on its
own, until the first message the stream did not have; batches resume from there.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence

import msgspec
import structlog
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import Header, PubAck
from nats.js.errors import APIError, NoStreamResponseError, ServiceUnavailableError

from adapters.nats.connection import core_client
from adapters.nats.names import stream_of

log = structlog.get_logger(__name__)

ATTEMPT_TIMEOUT_SECONDS = 5.0
# A leader election took 4.1–7.5 s here: retries must outlast several in a row.
RETRY_FOR_SECONDS = 30.0
MAX_BATCH = 1_000  # the server's limit for one atomic batch
_FIRST_BACKOFF_SECONDS = 0.05
_MAX_BACKOFF_SECONDS = 2.0

ERR_BATCH_DUPLICATE = 10201  # "atomic publish batch contains duplicate message id"
ERR_ATOMIC_DISABLED = 10174  # the stream lacks allow_atomic
ERR_BATCH_INCOMPLETE = 10176  # a message of the batch was lost on the way (reconnect)

# An election answers with these until it is over; all are worth retrying.
_RETRYABLE = (
    NatsTimeoutError, TimeoutError, NoRespondersError, NoStreamResponseError,
    ServiceUnavailableError,
)  # fmt: skip


class OutgoingMessage(msgspec.Struct, frozen=True):
    subject: str
    payload: bytes
    # Must hold Nats-Msg-Id; traceparent, ce-* and the rest travel as given.
    headers: Mapping[str, str]


class BatchPublishError(Exception):
    """Some messages were not acknowledged; ``acks`` holds what was (``None`` elsewhere)."""

    def __init__(self, acks: list[PubAck | None], errors: dict[int, BaseException]) -> None:
        first = min(errors)
        super().__init__(f"{len(errors)} of {len(acks)} not acknowledged; first #{first}: "
                         f"{errors[first]!r}")  # fmt: skip
        self.acks = acks
        self.errors = errors

    @property
    def acknowledged_prefix(self) -> int:
        """How many messages from the start were stored: how far a relay may advance."""
        return next((i for i, ack in enumerate(self.acks) if ack is None), len(self.acks))


class _BatchRejected(Exception):
    def __init__(self, err_code: int) -> None:
        super().__init__(err_code)
        self.err_code = err_code


class BatchPublisher:
    """``await publisher.publish(messages)``: every message stored once, in this order.

    ``retry_for`` bounds how long one stretch is retried (exponential backoff) before
    ``BatchPublishError`` names the acknowledged prefix; the first retry of an episode
    logs one warning, never a traceback. ``stream_key`` groups subjects by stream: a
    batch never spans two streams.
    """

    def __init__(
        self,
        js: JetStreamContext,
        *,
        attempt_timeout: float = ATTEMPT_TIMEOUT_SECONDS,
        retry_for: float = RETRY_FOR_SECONDS,
        max_batch: int = MAX_BATCH,
        atomic: bool = True,
        expected_stream: str | None = None,
        stream_key: Callable[[str], str] = stream_of,
    ) -> None:
        if not 1 <= max_batch <= MAX_BATCH:
            raise ValueError(f"max_batch must be within 1..{MAX_BATCH}")
        self._js = js
        self._nc = core_client(js)  # the atomic protocol is spoken on core NATS
        self._attempt_timeout = attempt_timeout
        self._retry_for = retry_for
        self._max_batch = max_batch
        self._atomic = atomic
        # With an expected stream, a subject no stream captures fails fast instead of
        # being retried until it times out.
        self._expected_stream = expected_stream
        self._stream_key = stream_key
        self._not_atomic: set[str] = set()

    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[PubAck]:
        """Acks in the order of ``messages``; raises BatchPublishError if any failed."""
        for message in messages:
            if Header.MSG_ID not in message.headers:
                raise ValueError(f"{message.subject}: Nats-Msg-Id header is required")
        acks: list[PubAck] = []
        for stretch in self._stretches(messages):
            try:
                acks.extend(await self._with_retries(stretch))
            except Exception as error:
                unacknowledged: list[PubAck | None] = [None] * (len(messages) - len(acks))
                raise BatchPublishError([*acks, *unacknowledged], {len(acks): error}) from error
        return acks

    def _stretches(self, messages: Sequence[OutgoingMessage]) -> list[list[OutgoingMessage]]:
        """Consecutive messages of one stream, at most ``max_batch`` each, in order."""
        stretches: list[list[OutgoingMessage]] = []
        key: str | None = None
        for message in messages:
            message_key = self._stream_key(message.subject)
            if not stretches or message_key != key or len(stretches[-1]) >= self._max_batch:
                stretches.append([])
                key = message_key
            stretches[-1].append(message)
        return stretches

    async def _with_retries(self, stretch: list[OutgoingMessage]) -> list[PubAck]:
        """One stretch, retried whole and in order with the same ids until acknowledged."""
        deadline = time.monotonic() + self._retry_for
        backoff = _FIRST_BACKOFF_SECONDS
        retries = 0
        while True:
            try:
                acks = await self._publish_stretch(stretch)
            except _RETRYABLE as error:
                if time.monotonic() + backoff > deadline:
                    raise
                if retries == 0:
                    log.warning("nats_publish_retrying", subject=stretch[0].subject,
                                messages=len(stretch), error=type(error).__name__,
                                retry_for=self._retry_for)
                retries += 1
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF_SECONDS)
                continue
            if retries:
                log.info("nats_publish_recovered", subject=stretch[0].subject,
                         retries=retries)
            return acks

    async def _publish_stretch(self, stretch: list[OutgoingMessage]) -> list[PubAck]:
        key = self._stream_key(stretch[0].subject)
        acks: list[PubAck] = []
        rest = stretch
        while rest:
            if not self._atomic or key in self._not_atomic:
                acks.extend(await self._one_by_one(rest, until_new=False))
                break
            try:
                acks.extend(await self._atomic_batch(rest))
                break
            except _BatchRejected as rejected:
                if rejected.err_code == ERR_ATOMIC_DISABLED:
                    log.info("nats_stream_not_atomic", subject=rest[0].subject)
                    self._not_atomic.add(key)
                    continue
                # ERR_BATCH_DUPLICATE: part of this stretch is stored already (a
                # re-publish after a crash, a timed-out commit, a refill).
                log.info("nats_batch_holds_stored_ids", subject=rest[0].subject,
                         messages=len(rest))
                published = await self._one_by_one(rest, until_new=True)
                acks.extend(published)
                rest = rest[len(published):]
        return acks

    async def _atomic_batch(self, batch: list[OutgoingMessage]) -> list[PubAck]:
        batch_id = uuid.uuid4().hex
        for sequence, message in enumerate(batch[:-1], start=1):
            await self._nc.publish(message.subject, message.payload, headers={
                **message.headers, Header.BATCH_ID: batch_id,
                Header.BATCH_SEQUENCE: str(sequence),
            })
        last = batch[-1]
        reply = await self._nc.request(last.subject, last.payload, timeout=self._attempt_timeout,
                                       headers={**last.headers, Header.BATCH_ID: batch_id,
                                                Header.BATCH_SEQUENCE: str(len(batch)),
                                                Header.BATCH_COMMIT: "1"})  # fmt: skip
        answer = json.loads(reply.data)
        error = answer.get("error")
        if error is not None:
            err_code = int(error.get("err_code") or 0)
            if err_code in (ERR_BATCH_DUPLICATE, ERR_ATOMIC_DISABLED):
                raise _BatchRejected(err_code)
            if err_code == ERR_BATCH_INCOMPLETE:
                raise ServiceUnavailableError(**error)
            APIError.from_error(error)
        ack = PubAck.from_response(answer)
        first = ack.seq - len(batch) + 1
        return [PubAck(stream=ack.stream, seq=first + i, domain=ack.domain, duplicate=False,
                       batch_id=ack.batch_id, batch_size=ack.batch_size)
                for i in range(len(batch))]  # fmt: skip

    async def _one_by_one(
        self, messages: list[OutgoingMessage], *, until_new: bool
    ) -> list[PubAck]:
        """Sequential single publishes; with ``until_new``, up to the first not a copy."""
        acks: list[PubAck] = []
        for message in messages:
            # A fresh dict each time: nats-py adds headers to the one it gets.
            ack = await self._js.publish(
                message.subject, message.payload, timeout=self._attempt_timeout,
                stream=self._expected_stream, headers=dict(message.headers),
            )
            acks.append(ack)
            if until_new and not ack.duplicate:
                break
        return acks
