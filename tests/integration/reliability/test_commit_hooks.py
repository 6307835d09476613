"""A restarted alert outbox does not add a second ``after_commit`` hook (issue 11, 9a)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from adapters.nats.connection import connect
from adapters.nats.names import COORDINATION
from adapters.nats.testing import running_nats
from services.coordination.service import coordination_workers, open_coordination
from services.settings import Settings


async def test_the_alert_outbox_restarted_keeps_one_commit_hook(tmp_path: Path) -> None:
    async with running_nats(tmp_path) as nats:
        settings = Settings(data_dir=tmp_path, nats_url=nats.url)
        application = open_coordination(settings)
        client = await connect(nats.settings, COORDINATION)
        try:
            alert_outbox = coordination_workers(
                settings, application, lambda: datetime.now(UTC))[0]
            stopped = asyncio.Event()
            stopped.set()
            for _ in range(3):  # as the worker supervisor restarts a failed worker
                await alert_outbox.run(client.jetstream(), stopped)
            # Each run takes its hook off again when it stops: restarts never pile up.
            assert "alert_outbox" not in application.after_commit
        finally:
            await client.close()
            application.close()
