"""Gap refill without an operator: the coordination asks, the producing agency republishes.

Core NATS, fire and forget, on ``samlad.control.republish.<agency>`` (only coordination
may publish there, only that agency subscribe: adapters/nats/permissions.py). A lost
request costs nothing: the gap stays open and is asked for again. The agency answers
from its store with ``OutboxRelay.republish``: the same CloudEvents under new
``Nats-Msg-Id``s, so a purged range is stored again, and what did arrive is dropped by
the consumers as a copy (invariant 3: the store, not the bus, is the memory).
"""

from __future__ import annotations

import asyncio

import msgspec
import structlog
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeoutError

from adapters.nats.names import republish_subject
from adapters.nats.publisher import BatchPublishError
from adapters.outbox.relay import OutboxRelay

log = structlog.get_logger(__name__)

# Several replicas of one agency: one of them answers each request.
_QUEUE = "republish"
_POLL_SECONDS = 0.5


class RepublishRequest(msgspec.Struct, frozen=True):
    """Publish positions ``start``..``end`` (notification ids, inclusive) again."""

    start: int = msgspec.field(name="from")
    end: int = msgspec.field(name="to")


async def ask_republish(nc: Client, agency: str, start: int, end: int) -> None:
    """Ask ``agency`` to publish ``start``..``end`` of its store again."""
    await nc.publish(republish_subject(agency), msgspec.json.encode(RepublishRequest(start, end)))


async def answer_republish(
    nc: Client, agency: str, relay: OutboxRelay, stop: asyncio.Event
) -> None:
    """Serve ``agency``'s republish requests, one at a time, until ``stop``."""
    subscription = await nc.subscribe(republish_subject(agency), queue=_QUEUE)
    log.info("republish_requests_served", agency=agency)
    try:
        while not stop.is_set():
            try:
                message = await subscription.next_msg(timeout=_POLL_SECONDS)
            except (TimeoutError, NatsTimeoutError):
                continue
            try:
                request = msgspec.json.decode(message.data, type=RepublishRequest)
            except msgspec.DecodeError as error:
                log.warning("republish_request_refused", agency=agency, reason=str(error))
                continue
            if not 1 <= request.start <= request.end:
                log.warning(
                    "republish_request_refused",
                    agency=agency,
                    reason=f"not a range: {request.start}..{request.end}",
                )
                continue
            try:
                published = await relay.republish(request.start, request.end)
            except BatchPublishError as error:
                # The gap stays open and the coordination asks again.
                log.warning("republish_request_failed", agency=agency, error=str(error))
                continue
            log.info(
                "republish_request_answered",
                agency=agency,
                start=request.start,
                end=request.end,
                published=published,
            )
    finally:
        await subscription.unsubscribe()
