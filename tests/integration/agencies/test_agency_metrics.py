"""Operators' view: /metrics after a command, and /ready saying why it is not ready."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
from litestar.testing import AsyncTestClient

from adapters.nats.server import EmbeddedNatsServer, free_port
from adapters.nats.settings import NatsSettings
from adapters.nats.testing import provision_streams, running_nats
from services.coordination.service import create_app as create_coordination
from services.kommun.app import create_app as create_kommun
from services.settings import Settings
from tests.waiting import eventually

from .harness import Agencies


def _series(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(rf"{name}(\{{| )", line)]


async def test_metrics_count_and_time_a_command_and_show_the_relay_lag(
    agencies: Agencies,
) -> None:
    await agencies.person("kommun")
    scrape = await agencies["kommun"].get("/metrics", headers={"Authorization": ""})
    assert scrape.status_code == 200
    text = scrape.text
    [count] = [line for line in _series(text, "samlad_commands_total")
               if 'service="kommun"' in line and 'route="POST /persons"' in line
               and 'status="2xx"' in line]
    assert float(count.rsplit(" ", 1)[1]) >= 1
    assert _series(text, "samlad_command_duration_seconds_bucket")
    assert any('producer="kommun"' in line for line in _series(text, "samlad_relay_lag"))


async def test_coordination_metrics_show_consumer_lag_per_partition_and_open_gaps(
    tmp_path: Path,
) -> None:
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url)
        async with AsyncTestClient(create_coordination(settings)) as client:
            async def scraped() -> str | None:
                text = (await client.get("/metrics")).text
                lags = _series(text, "samlad_consumer_lag")
                return text if len(lags) == settings.partitions else None

            text = await eventually(scraped, what="consumer lag per partition")
            assert _series(text, "samlad_open_gaps")
            assert any('producer="coordination"' in line
                       for line in _series(text, "samlad_relay_lag"))


async def test_ready_names_nats_when_it_is_down_and_recovers(tmp_path: Path) -> None:
    server = EmbeddedNatsServer(NatsSettings(data_dir=tmp_path), port=free_port())
    async with server:
        await provision_streams(server.client_settings)
        settings = Settings(data_dir=tmp_path, nats_url=server.url)
        async with AsyncTestClient(create_kommun(settings)) as client:
            assert (await eventually(lambda: _ready(client, 200))) is not None
            await asyncio.to_thread(server.stop)
            answer = await eventually(lambda: _ready(client, 503))
            assert answer is not None
            body = answer.json()
            assert body["checks"] == {"store": True, "nats": False}
            assert body["reasons"]["nats"] == f"not connected to NATS at {server.url}"
            # Back on the same port: the workers reconnect and the service is ready.
            await asyncio.to_thread(server.start)
            assert (await eventually(lambda: _ready(client, 200))) is not None


async def _ready(client: AsyncTestClient, status: int) -> httpx.Response | None:  # type: ignore[type-arg]
    answer = await client.get("/ready")
    return answer if answer.status_code == status else None
