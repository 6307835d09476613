"""Connect a service to NATS under its own identity."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import nats
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext

from adapters.nats.credentials import seed_path
from adapters.nats.names import inbox_prefix
from adapters.nats.settings import NatsSettings

log = structlog.get_logger(__name__)


ErrorCallback = Callable[[Exception], Awaitable[None]]


async def connect(
    settings: NatsSettings,
    service: str,
    *,
    name: str | None = None,
    on_error: ErrorCallback | None = None,
) -> Client:
    """A client authenticated with ``service``'s nkey, replies under its own inbox prefix.

    Reconnects forever: a cluster loses a node for seconds, and the outbox and the
    consumers' positions make the gap harmless. Permission violations are not raised by
    the server; they arrive in ``error_cb`` (logged here, then passed to ``on_error``)
    and ``client.last_error``.
    """
    seed = seed_path(settings.credentials_dir, service)
    if not seed.exists():
        raise FileNotFoundError(f"no NATS credentials for {service!r} at {seed}")
    bound = log.bind(service=service)

    async def error_cb(error: Exception) -> None:
        bound.warning("nats_error", error=str(error), error_type=type(error).__name__)
        if on_error is not None:
            await on_error(error)

    async def disconnected_cb() -> None:
        # Also fires on an orderly close, hence info; errors come through error_cb.
        bound.info("nats_disconnected")

    async def reconnected_cb() -> None:
        bound.info("nats_reconnected")

    client = await nats.connect(
        servers=settings.servers,
        name=name or f"samlad-{service}",
        nkeys_seed=str(seed),
        inbox_prefix=inbox_prefix(service),
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        error_cb=error_cb,
        disconnected_cb=disconnected_cb,
        reconnected_cb=reconnected_cb,
    )
    url = client.connected_url.geturl() if client.connected_url else None
    bound.info("nats_connected", url=url)
    return client


def core_client(js: JetStreamContext) -> Client:
    """The connection under a JetStream context (workers are handed only the context):
    atomic batches and control requests are spoken on core NATS."""
    return js._nc  # type: ignore[no-any-return]
