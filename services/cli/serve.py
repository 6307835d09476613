"""``samlad serve SERVICE`` — one service in this process, behind uvicorn."""

from __future__ import annotations

import asyncio
import importlib
import signal
import time
from collections.abc import Callable
from contextlib import ExitStack

import msgspec
import structlog
import uvicorn
from litestar import Litestar

from adapters.nats.connection import NatsConnectError
from adapters.nats.server import EmbeddedNatsServer
from adapters.nats.settings import NatsSettings
from adapters.nats.streams import provision_streams
from services.settings import Settings

log = structlog.get_logger(__name__)

APP_FACTORIES = {
    "kommun": "services.kommun.app:create_app",
    "af": "services.af.app:create_app",
    "fk": "services.fk.app:create_app",
    "region": "services.region.app:create_app",
    "coordination": "services.coordination.service:create_app",
}


def load_factory(service: str) -> Callable[[Settings], Litestar]:
    """The service's ``create_app``, imported only when that service is served."""
    module, _, name = APP_FACTORIES[service].partition(":")
    factory: Callable[[Settings], Litestar] = getattr(importlib.import_module(module), name)
    return factory


def provision(settings: NatsSettings, *, patience: float = 0.0) -> None:
    """Streams and consumers, declared in one place, created with the admin identity.

    ``patience``: seconds to keep trying while a fresh cluster elects its leaders. A
    broker that refuses us (TLS, credentials) fails at once with NatsConnectError.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            asyncio.run(provision_streams(settings))
            return
        except NatsConnectError:
            raise
        except Exception as error:
            if time.monotonic() >= deadline:
                raise
            log.info("provision_retried", error=f"{type(error).__name__}: {error}")
            time.sleep(0.5)


def serve(service: str, settings: Settings) -> None:
    with ExitStack() as stack:
        if settings.nats_url is None:
            # Alone on a machine: bring an embedded nats-server along.
            server = EmbeddedNatsServer(settings.nats)
            stack.enter_context(server)
            provision(server.client_settings)
            settings = msgspec.structs.replace(settings, nats_url=server.url)
        app = load_factory(service)(settings)
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to
        # the handler it found; a no-op one lets a clean stop exit with status 0.
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, lambda *_: None)
        uvicorn.run(
            app, host=settings.host, port=settings.ports[service], log_level="warning",
            access_log=False, timeout_graceful_shutdown=10,
        )
