"""A real nats-server per session (provisioned), and clients under each service's identity.

Tests sharing the session server own their subjects (a fresh person_ref each) and their
streams (a fresh name each); tests that need pristine consumers start their own server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nats.aio.client import Client

from adapters.nats.connection import ErrorCallback, connect
from adapters.nats.settings import NatsSettings
from adapters.nats.testing import Connect, RunningNats, new_person_ref, running_nats


@pytest.fixture(scope="session")
async def nats_env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningNats]:
    async with running_nats(tmp_path_factory.mktemp("nats")) as running:
        yield running


@pytest.fixture
async def own_nats(tmp_path: Path) -> AsyncIterator[RunningNats]:
    async with running_nats(tmp_path) as running:
        yield running


async def _clients() -> AsyncIterator[Connect]:
    opened: list[Client] = []

    async def open_client(
        settings: NatsSettings, service: str, on_error: ErrorCallback | None = None
    ) -> Client:
        client = await connect(settings, service, on_error=on_error)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        await client.close()


@pytest.fixture
async def connect_as() -> AsyncIterator[Connect]:
    """``await connect_as(settings, "af")``; closed when the test ends."""
    async for factory in _clients():
        yield factory


@pytest.fixture
def person_ref() -> str:
    return new_person_ref()
