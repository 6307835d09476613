"""A fetch loop for durable pull consumers. Acking stays with the caller, after its commit."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from nats.aio.msg import Msg
from nats.errors import ConnectionClosedError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.errors import ServiceUnavailableError

log = structlog.get_logger(__name__)

INITIAL_BACKOFF_SECONDS = 0.1
MAX_BACKOFF_SECONDS = 5.0

# The connection is reconnecting or the consumer's leader is moving: wait and retry.
_TRANSIENT = (ConnectionClosedError, NoRespondersError, ServiceUnavailableError, OSError)


async def fetch_batches(
    subscription: JetStreamContext.PullSubscription,
    *,
    batch_size: int,
    poll_seconds: float,
    stop: asyncio.Event,
) -> AsyncIterator[list[Msg]]:
    """Yield non-empty batches until ``stop`` is set.

    An empty poll (no message within ``poll_seconds``) just polls again. On shutdown
    the fetch in flight may finish and its batch is yielded, so nothing delivered is
    left unprocessed; the caller acks after its own commit.
    """
    backoff = INITIAL_BACKOFF_SECONDS
    while not stop.is_set():
        try:
            batch = await subscription.fetch(batch_size, timeout=poll_seconds)
        except (NatsTimeoutError, TimeoutError):
            continue
        except _TRANSIENT as error:
            log.warning("nats_fetch_backoff", error=type(error).__name__, delay=backoff)
            # Wake early on shutdown rather than sleeping out the back-off.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            continue
        backoff = INITIAL_BACKOFF_SECONDS
        if batch:
            yield batch
