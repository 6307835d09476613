"""Publish a batch to JetStream concurrently and learn, per message, what was stored.

The outbox relay hands over a batch in log order and advances its position to the
longest acknowledged prefix. A publish that timed out may still have been stored, so
it is retried with the same ``Nats-Msg-Id``: the stream's duplicate window turns the
second copy into ``duplicate=True`` instead of a second message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import msgspec
import structlog
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import Header, PubAck
from nats.js.errors import NoStreamResponseError, ServiceUnavailableError

log = structlog.get_logger(__name__)

MAX_IN_FLIGHT = 256
ATTEMPT_TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 6
_BACKOFF_SECONDS = (0.05, 0.2, 0.5, 1.0, 2.0)

# A leader election (5–6.5 s measured) answers with these until it is over.
_RETRYABLE = (NatsTimeoutError, TimeoutError, NoStreamResponseError, ServiceUnavailableError)


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


class BatchPublisher:
    def __init__(
        self,
        js: JetStreamContext,
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        attempt_timeout: float = ATTEMPT_TIMEOUT_SECONDS,
        max_attempts: int = MAX_ATTEMPTS,
        expected_stream: str | None = None,
    ) -> None:
        self._js = js
        self._slots = asyncio.Semaphore(max_in_flight)
        self._attempt_timeout = attempt_timeout
        self._max_attempts = max_attempts
        # With an expected stream, a subject no stream captures fails fast instead of
        # being retried until it times out.
        self._expected_stream = expected_stream

    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[PubAck]:
        """Acks in the order of ``messages``; raises BatchPublishError if any failed."""
        for message in messages:
            if Header.MSG_ID not in message.headers:
                raise ValueError(f"{message.subject}: Nats-Msg-Id header is required")
        results = await asyncio.gather(
            *(self._publish_one(message) for message in messages), return_exceptions=True
        )
        acks: list[PubAck | None] = []
        errors: dict[int, BaseException] = {}
        for index, result in enumerate(results):
            if isinstance(result, PubAck):
                acks.append(result)
            else:
                acks.append(None)
                errors[index] = result
        if errors:
            raise BatchPublishError(acks, errors)
        return [ack for ack in acks if ack is not None]

    async def _publish_one(self, message: OutgoingMessage) -> PubAck:
        async with self._slots:
            attempt = 1
            while True:
                try:
                    # A fresh dict each time: nats-py adds headers to the one it gets.
                    return await self._js.publish(
                        message.subject,
                        message.payload,
                        timeout=self._attempt_timeout,
                        stream=self._expected_stream,
                        headers=dict(message.headers),
                    )
                except _RETRYABLE as error:
                    if attempt >= self._max_attempts:
                        raise
                    log.warning(
                        "nats_publish_retried",
                        subject=message.subject,
                        msg_id=message.headers[Header.MSG_ID],
                        attempt=attempt,
                        error=type(error).__name__,
                    )
                    await asyncio.sleep(_BACKOFF_SECONDS[min(attempt, len(_BACKOFF_SECONDS)) - 1])
                    attempt += 1
