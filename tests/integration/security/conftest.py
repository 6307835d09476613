"""One deployment for the package's tests; each test owns its persons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from .deployment import Deployment, start


@pytest.fixture(scope="package")
async def deployment(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Deployment]:
    async with AsyncExitStack() as stack:
        yield await start(tmp_path_factory.mktemp("security"), stack)
