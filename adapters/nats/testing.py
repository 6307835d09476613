"""Throwaway real nats-servers for tests: ``async with running_nats(tmp_path) as nats``.

Importable by any test suite; nothing here starts on import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec
from nats.aio.client import Client

from adapters.nats.server import EmbeddedNatsServer
from adapters.nats.settings import NatsSettings
from adapters.nats.streams import ACK_WAIT_SECONDS, provision_streams
from adapters.pseudonym import new_person_ref

__all__ = [
    "Connect",
    "RunningNats",
    "new_person_ref",
    "provision_streams",
    "running_nats",
    "start_embedded_server",
]

# ``await connect_as(settings, "af")`` (optionally ``on_error=``): the tests' client factory.
Connect = Callable[..., Awaitable[Client]]


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


@asynccontextmanager
async def running_nats(
    data_dir: Path,
    *,
    partitions: int = 4,
    provisioned: bool = True,
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
