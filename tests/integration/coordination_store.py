"""The coordination store on SQLite and on PostgreSQL, one per test.

Fixtures for the test folders that run on it: their conftest imports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.coordination.application import CoordinationApplication
from services.coordination.service import open_coordination
from services.settings import Settings


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path)
        return
    namespace = request.getfixturevalue("schema_namespace")
    yield Settings(
        data_dir=tmp_path,
        database_url=request.getfixturevalue("postgres_url"),
        database_namespace=namespace,
    )


@pytest.fixture
def coordination(settings: Settings) -> Iterator[CoordinationApplication]:
    app = open_coordination(settings)
    yield app
    app.close()
