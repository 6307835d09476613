"""The coordination service killed in the middle of 5,000 events applies each exactly once.

The events are on the stream before the service starts; it is SIGKILLed once some but
not all are applied, restarted, and left until every message is delivered and acked
(including the redeliveries of what the killed process had fetched). Then its store
is read directly: every case holds exactly its person's facts, no fact twice, and
nothing else than its opening, its facts and its alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from adapters.auth.testing import auth_headers
from adapters.nats.connection import connect
from adapters.nats.names import ADMIN
from adapters.nats.publisher import BatchPublisher
from adapters.nats.testing import running_nats
from services.coordination.service import open_coordination
from services.settings import Settings
from tests.waiting import eventually

from .support import (
    EVENTS_PER_PERSON,
    PERSONS,
    ServiceProcess,
    applied_in_store,
    assert_applied_exactly_once,
    coordination_idle,
    kommun_messages,
    stream_count,
)

TOTAL = PERSONS * EVENTS_PER_PERSON
# The killed process's fetched but unacked messages come back after the consumer's
# ack wait (30 s), so finishing takes at least that long.
FINISH_WITHIN_SECONDS = 120.0

pytestmark = pytest.mark.slow


async def applied_facts(client: httpx.AsyncClient, url: str) -> int:
    response = await client.get(f"{url}/cases", params={"limit": 500})
    assert response.status_code == 200, response.text
    return sum(case["facts"] for case in response.json())


async def test_a_coordination_service_killed_mid_stream_applies_every_event_exactly_once(
    tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    messages, event_ids = kommun_messages()
    async with running_nats(tmp_path) as nats:
        kommun = await connect(nats.settings, "kommun")
        admin = await connect(nats.settings, ADMIN)
        js = admin.jetstream(timeout=10)
        coordination = ServiceProcess("coordination", data_dir=tmp_path, nats_url=nats.url)
        try:
            publisher = BatchPublisher(kommun.jetstream(timeout=10))
            for offset in range(0, TOTAL, 500):
                await publisher.publish(messages[offset : offset + 500])
            assert await stream_count(js) == TOTAL

            await coordination.start()
            # The förbund's own integration: role system, no agency, sees every case.
            headers = auth_headers(Settings(data_dir=tmp_path), None, "system")
            async with httpx.AsyncClient(timeout=5.0, headers=headers) as client:

                async def some_applied() -> int:
                    return await applied_facts(client, coordination.url)

                await eventually(some_applied, within=60, what="some events applied")
                coordination.kill()
                before_restart = _applied_in_store(tmp_path)
                assert 0 < before_restart < TOTAL, f"killed after {before_restart} applied"
                record_property("applied_at_kill", before_restart)

                await coordination.start()

                async def all_applied() -> bool:
                    return await applied_facts(client, coordination.url) >= TOTAL

                async def all_acked() -> bool:
                    return await coordination_idle(js, nats.settings.partitions)

                await eventually(all_applied, within=FINISH_WITHIN_SECONDS,
                                 what="every event applied after the restart", poll=0.1)
                await eventually(all_acked, within=FINISH_WITHIN_SECONDS,
                                 what="every delivery acknowledged", poll=0.2)
            assert coordination.stop()
        finally:
            coordination.ensure_stopped()
            await kommun.close()
            await admin.close()

    _assert_applied_exactly_once(tmp_path, event_ids)


def _applied_in_store(data_dir: Path) -> int:
    app = open_coordination(Settings(data_dir=data_dir))
    try:
        return applied_in_store(app)
    finally:
        app.close()


def _assert_applied_exactly_once(data_dir: Path, event_ids: dict[str, list[str]]) -> None:
    app = open_coordination(Settings(data_dir=data_dir))
    try:
        assert_applied_exactly_once(app, event_ids)
    finally:
        app.close()
