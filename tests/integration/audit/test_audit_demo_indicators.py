"""On the demo caseload, the indicators equal an independent count from the raw events.

The demo is loaded as `samlad up --demo` loads it: through the agencies' own APIs on a
running system. Once every agency's outbox and every coordination partition has caught
up, the system stops and the coordination store is read twice: by the indicator
projection, and by counting the recorded facts directly.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import msgspec
import pytest

from adapters.nats.connection import connect
from adapters.nats.names import EVENTS_STREAM, coordination_consumer
from services.cli.testing import RunningSamlad
from services.coordination.indicators import get_indicators
from services.coordination.service import open_coordination
from services.demo.loader import load_demo
from services.settings import SERVICES, Settings

from .test_audit_indicators import assert_indicators_match, independent_counts

PERSONS = 80
AGENCIES = ("kommun", "af", "fk", "region")
SETTLE_SECONDS = 120.0

pytestmark = pytest.mark.slow


def _outboxes_caught_up(data_dir: Path) -> bool:
    for agency in AGENCIES:
        with sqlite3.connect(data_dir / "stores" / f"{agency}.sqlite") as db:
            last = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0] or 0
            row = db.execute(
                "SELECT notification_id FROM tracking WHERE application_name = 'outbox'"
            ).fetchone()
        if (row[0] if row else 0) < last:
            return False
    return True


async def _consumers_caught_up(settings: Settings) -> bool:
    client = await connect(settings.nats, "admin")
    try:
        js = client.jetstream()
        for partition in range(settings.partitions):
            info = await js.consumer_info(EVENTS_STREAM, coordination_consumer(partition))
            if info.num_pending or info.num_ack_pending:
                return False
        return True
    finally:
        await client.close()


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
        while not (
            _outboxes_caught_up(running.data_dir)
            and asyncio.run(_consumers_caught_up(settings))
        ):
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
