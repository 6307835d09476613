"""Throwaway real nats-servers for tests: ``async with running_nats(tmp_path) as nats``.

Importable by any test suite; nothing here starts on import.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec
from nats.aio.client import Client

from adapters.nats.connection import connect
from adapters.nats.names import ADMIN
from adapters.nats.server import EmbeddedNatsServer
from adapters.nats.settings import NatsSettings
from adapters.nats.streams import ACK_WAIT_SECONDS, provision

# ``await connect_as(settings, "af")`` (optionally ``on_error=``): the tests' client factory.
Connect = Callable[..., Awaitable[Client]]


def new_person_ref() -> str:
    """A fresh reference in the shape the pseudonymiser produces: p + 26 base32 chars."""
    return "p" + base64.b32encode(secrets.token_bytes(20)).decode().lower()[:26]


class RunningNats(msgspec.Struct, frozen=True):
    server: EmbeddedNatsServer
    # Connect with these: they carry the server's url and the data dir's credentials.
    settings: NatsSettings

    @property
    def url(self) -> str:
        return self.server.url


def start_embedded_server(data_dir: Path, *, partitions: int = 4) -> EmbeddedNatsServer:
    """Start (synchronously) a server on a free loopback port; the caller stops it."""
    server = EmbeddedNatsServer(NatsSettings(data_dir=data_dir, partitions=partitions))
    server.start()
    return server


async def provision_streams(
    settings: NatsSettings, *, ack_wait: float = ACK_WAIT_SECONDS
) -> None:
    client = await connect(settings, ADMIN)
    try:
        await provision(client.jetstream(), settings, ack_wait=ack_wait)
    finally:
        await client.close()


@asynccontextmanager
async def running_nats(
    data_dir: Path, *, partitions: int = 4, provisioned: bool = True,
    ack_wait: float = ACK_WAIT_SECONDS,
) -> AsyncIterator[RunningNats]:
    """A started server (streams and consumers provisioned unless told otherwise).

    A short ``ack_wait`` lets a test see a fetched-but-abandoned message redelivered.
    """
    settings = NatsSettings(data_dir=data_dir, partitions=partitions)
    async with EmbeddedNatsServer(settings) as server:
        running = RunningNats(server=server, settings=server.client_settings)
        if provisioned:
            await provision_streams(running.settings, ack_wait=ack_wait)
        yield running
