"""On the demo caseload, the indicators equal an independent count from the raw events.

The demo is loaded as `samlad up --demo` loads it: through the agencies' own APIs on a
running system. Once every agency's outbox and every coordination partition has caught
up, the system stops and the coordination store is read twice: by the indicator
projection, and by counting the recorded facts directly.
"""

from __future__ import annotations

import time
from pathlib import Path

import msgspec
import pytest

from services.cli.testing import RunningSamlad, demo_settled
from services.coordination.indicators import get_indicators
from services.coordination.service import open_coordination
from services.demo.loader import load_demo
from services.settings import SERVICES, Settings

from .test_audit_indicators import assert_indicators_match, independent_counts

PERSONS = 80
SETTLE_SECONDS = 120.0

pytestmark = pytest.mark.slow


def test_indicators_on_the_demo_caseload_equal_an_independent_count(tmp_path: Path) -> None:
    running = RunningSamlad(tmp_path / "data")
    try:
        running.wait_until_up()
        ports = {name: int(running.urls[name].rsplit(":", 1)[1]) for name in SERVICES}
        nats_url = running.urls.get("nats")
        settings = msgspec.structs.replace(
            Settings(data_dir=running.data_dir), ports=ports, nats_url=nats_url
        )
        summary = load_demo(settings, persons=PERSONS)
        assert summary.failures == []

        deadline = time.monotonic() + SETTLE_SECONDS
        while not demo_settled(running.data_dir, settings):
            assert time.monotonic() < deadline, "the demo never settled"
            time.sleep(0.2)
        assert running.stop() == 0
    finally:
        running.kill()

    app = open_coordination(Settings(data_dir=running.data_dir))
    try:
        indicators = get_indicators(app.process_recorder)
        expected = independent_counts(app)
    finally:
        app.close()

    assert sum(expected["exits"].values()) > 0
    assert_indicators_match(indicators, expected, PERSONS)
