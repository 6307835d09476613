"""A relay that dies after its batch was stored, before recording its position, loses
and doubles nothing when it starts again: the batch it publishes again holds ids the
stream has (rejected whole, err_code 10201) and is sorted out message by message."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nats.js.api import AckPolicy, ConsumerConfig
from structlog.testing import capture_logs

from adapters.nats.connection import connect
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.testing import running_nats
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from contracts.subjects import EVENTS_STREAM, agency_subjects
from services.agency.service import agency_outbox
from services.kommun.application import KommunApplication
from services.kommun.workload import save_enrolled_persons


class Crashed(Exception):
    pass


class CrashingAfterPublish:
    """Publishes, then dies before the relay can record its position."""

    def __init__(self, publisher: BatchPublisher) -> None:
        self._publisher = publisher

    async def publish(self, messages: Sequence[OutgoingMessage]) -> Sequence[Any]:
        await self._publisher.publish(messages)
        raise Crashed




async def test_a_relay_killed_between_publish_and_position_publishes_each_event_once(
    tmp_path: Path,
) -> None:
    app = open_application(KommunApplication, StoreSettings(data_dir=tmp_path), "kommun")
    save_enrolled_persons(app, persons=40, per_person=10)  # 400 events
    async with running_nats(tmp_path) as nats:
        client = await connect(nats.settings, "kommun")
        js = client.jetstream()
        dying = agency_outbox(app, js, CrashingAfterPublish(BatchPublisher(js)))
        with contextlib.suppress(Crashed):
            await dying.relay_once()
        assert (app.process_recorder.max_tracking_id("outbox") or 0) == 0
        save_enrolled_persons(app, persons=40, per_person=10)  # 400 more while down

        restarted = agency_outbox(app, js)
        with capture_logs() as logs:
            while await restarted.relay_once():
                pass
        await client.close()

        admin = await connect(nats.settings, "admin")
        subscription = await admin.jetstream().pull_subscribe(
            agency_subjects("kommun"), stream=EVENTS_STREAM,
            config=ConsumerConfig(ack_policy=AckPolicy.NONE),
        )
        ids = [
            (message.headers or {})["Nats-Msg-Id"]
            for message in await subscription.fetch(1_000, timeout=2)
        ]
        await admin.close()
    position = app.process_recorder.max_tracking_id("outbox")
    last = app.process_recorder.max_notification_id()
    app.close()

    assert [e["event"] for e in logs].count("nats_batch_holds_stored_ids") == 1
    assert len(ids) == 800
    assert len(set(ids)) == 800
    assert position == last
