"""Connect a service to NATS under its own identity."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import nats
import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext

from adapters.nats.credentials import seed_path
from adapters.nats.names import inbox_prefix
from adapters.nats.settings import NatsSettings

log = structlog.get_logger(__name__)


ErrorCallback = Callable[[Exception], Awaitable[None]]


class NatsConnectError(RuntimeError):
    """The broker is there but refuses us: retrying cannot help (TLS, credentials)."""


def _fatal(error: Exception) -> str | None:
    """Why ``error`` means "stop trying", or None for a broker that is merely away."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return (f"TLS certificate of the NATS server not trusted ({error.verify_message}): "
                "set SAMLAD_NATS_CA to the CA certificate that signed it")
    if isinstance(error, ssl.SSLError):
        return f"TLS with the NATS server failed ({error}): check SAMLAD_NATS_CA and the url"
    if "authorization violation" in str(error).lower():
        return "the NATS server refused these credentials (authorization violation)"
    return None


def tls_context(settings: NatsSettings) -> ssl.SSLContext | None:
    """Servers verified against ``settings.ca`` (SAMLAD_NATS_CA); None: plain TCP."""
    if settings.ca is None:
        return None
    return ssl.create_default_context(cafile=str(settings.ca))


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
    refused: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def error_cb(error: Exception) -> None:
        bound.warning("nats_error", error=str(error), error_type=type(error).__name__)
        reason = _fatal(error)
        if reason is not None and not refused.done():
            refused.set_result(reason)
        if on_error is not None:
            await on_error(error)

    async def disconnected_cb() -> None:
        # Also fires on an orderly close, hence info; errors come through error_cb.
        bound.info("nats_disconnected")

    async def reconnected_cb() -> None:
        bound.info("nats_reconnected")

    connecting = asyncio.ensure_future(nats.connect(
        servers=settings.servers,
        tls=tls_context(settings),
        name=name or f"samlad-{service}",
        nkeys_seed=str(seed),
        inbox_prefix=inbox_prefix(service),
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        error_cb=error_cb,
        disconnected_cb=disconnected_cb,
        reconnected_cb=reconnected_cb,
    ))
    # nats-py retries the first connection forever: stop at once on a refusal instead.
    waiting: set[asyncio.Future[Any]] = {connecting, refused}  # a Task[Client] and a Future[str]
    try:
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        connecting.cancel()  # a stop while the broker is away: no attempt left behind
        raise
    if not connecting.done():
        connecting.cancel()
        with contextlib.suppress(BaseException):
            await connecting
        raise NatsConnectError(f"{service}: {refused.result()}")
    client = connecting.result()
    url = client.connected_url.geturl() if client.connected_url else None
    bound.info("nats_connected", url=url)
    return client


def core_client(js: JetStreamContext) -> Client:
    """The connection under a JetStream context (workers are handed only the context):
    atomic batches and control requests are spoken on core NATS."""
    return js._nc
