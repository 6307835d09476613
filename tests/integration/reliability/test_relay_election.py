"""The stream leader of a three-node cluster is killed while the kommun's relay publishes.

The relay waits the election out quietly (one warning, no error, no traceback) and
every event arrives once, each person's in order.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig
from structlog.testing import capture_logs

from adapters.nats.cluster import NatsCluster
from adapters.nats.connection import connect
from adapters.nats.names import ADMIN, EVENTS_STREAM
from adapters.nats.settings import NatsSettings
from adapters.store.application import open_application
from adapters.store.settings import StoreSettings
from contracts.subjects import agency_subjects
from services.agency.service import agency_outbox
from services.cli.serve import provision
from services.kommun.application import KommunApplication
from services.kommun.workload import save_enrolled_persons
from tests.waiting import eventually

pytestmark = pytest.mark.slow

PERSONS_PER_SAVE = 10
EVENTS_PER_PERSON = 6


def _save_some(app: KommunApplication) -> None:
    save_enrolled_persons(app, PERSONS_PER_SAVE, EVENTS_PER_PERSON)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    """Three TLS nodes as ``samlad up --cluster`` runs them, streams provisioned (R3)."""
    with NatsCluster(NatsSettings(data_dir=tmp_path / "cluster")) as cluster:
        provision(cluster.client_settings, patience=30)
        yield cluster


async def test_a_relay_outlasts_a_leader_election_quietly_losing_and_reordering_nothing(
    tmp_path: Path,
    cluster: NatsCluster,
) -> None:
    app = open_application(KommunApplication, StoreSettings(data_dir=tmp_path), "kommun")
    settings = cluster.client_settings
    kommun = await connect(settings, "kommun")
    admin = await connect(settings, ADMIN)
    admin_js = admin.jetstream(timeout=2)
    relay = agency_outbox(app, kommun.jetstream(timeout=10))
    stop, writing = asyncio.Event(), asyncio.Event()

    async def write() -> None:
        while not writing.is_set():
            await asyncio.to_thread(_save_some, app)
            relay.nudge()
            await asyncio.sleep(0.02)

    async def stored() -> int:
        try:
            return int((await admin_js.stream_info(EVENTS_STREAM)).state.messages)
        except Exception:  # mid-election
            return 0

    with capture_logs() as logs:
        relaying = asyncio.create_task(relay.run(stop))
        writer = asyncio.create_task(write())
        await eventually(lambda: _at_least(stored, 300), within=30, what="300 stored")
        cluster_info = (await admin_js.stream_info(EVENTS_STREAM)).cluster
        assert cluster_info is not None and cluster_info.leader is not None
        leader = cluster_info.leader
        before = await stored()
        await asyncio.to_thread(cluster.node(leader).kill)
        await eventually(
            lambda: _at_least(stored, before + 600),
            within=60,
            what="publishing resumed after the election",
            poll=0.2,
        )
        writing.set()
        await writer
        last = app.process_recorder.max_notification_id()

        async def caught_up() -> bool:
            position = await asyncio.to_thread(app.process_recorder.max_tracking_id, "outbox")
            return position == last

        await eventually(caught_up, within=60, what="the relay caught up", poll=0.1)
        stop.set()
        await relaying
    events = await _kommun_events(admin)
    await kommun.close()
    await admin.close()
    app.close()

    ids = [event["id"] for event in events]
    assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} stored twice"
    assert len(ids) == _contract_events(last or 0)
    positions: dict[str, list[int]] = defaultdict(list)
    for event in events:
        positions[event["subject"]].append(event["samladposition"])
    assert all(p == sorted(p) for p in positions.values()), "a person's events reordered"
    levels = [entry for entry in logs if entry["log_level"] in ("error", "critical")]
    assert levels == []
    warnings = [entry["event"] for entry in logs if entry["log_level"] == "warning"]
    assert 1 <= warnings.count("nats_publish_retrying") <= 2, warnings
    assert "outbox_relay_waiting_for_nats" not in warnings


async def _at_least(probe: Callable[[], Awaitable[int]], wanted: int) -> bool:
    return await probe() >= wanted


def _contract_events(notifications: int) -> int:
    # Each save of a person: Opened (agency-local) and EVENTS_PER_PERSON contract events.
    return notifications // (EVENTS_PER_PERSON + 1) * EVENTS_PER_PERSON


async def _kommun_events(admin: Client) -> list[dict[str, Any]]:
    subscription = await admin.jetstream(timeout=10).pull_subscribe(
        agency_subjects("kommun"),
        stream=EVENTS_STREAM,
        config=ConsumerConfig(ack_policy=AckPolicy.NONE),
    )
    events: list[dict[str, Any]] = []
    while True:
        try:
            batch = await subscription.fetch(1_000, timeout=2)
        except (TimeoutError, NatsTimeoutError):
            break
        events.extend(json.loads(message.data) for message in batch)
    await subscription.unsubscribe()
    return events
