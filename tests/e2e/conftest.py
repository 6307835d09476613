"""What the e2e tests share: `samlad up` on the embedded default, as a user starts it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.cli.testing import RunningSamlad, clean_env


@pytest.fixture
def samlad_up(tmp_path: Path) -> Iterator[RunningSamlad]:
    """A started `samlad up` on SQLite; killed (children included) at the end."""
    samlad = RunningSamlad(tmp_path / "samlad", clean_env())
    try:
        yield samlad.wait_until_up()
    finally:
        samlad.kill()
