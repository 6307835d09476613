"""One nats-server and four agency services for the whole package (tests own their persons)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .harness import Agencies, running_agencies


@pytest.fixture(scope="package")
async def agencies(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Agencies]:
    async with running_agencies(tmp_path_factory.mktemp("agencies")) as running:
        yield running
