"""The five services on a real nats-server, for the catalogue's tests; each test owns its
offering ids and persons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from tests.integration.security.deployment import Deployment, start


@pytest.fixture(scope="package")
async def deployment(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Deployment]:
    async with AsyncExitStack() as stack:
        yield await start(tmp_path_factory.mktemp("catalogue"), stack)
