"""What the crash tests share: a service in a child process, a workload, waiting.

A service runs exactly as `samlad up` runs it (`python -m services.cli.main serve …`
against a given nats-server and data dir), so SIGKILL hits the real process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

import httpx
from nats.js import JetStreamContext

from adapters.nats.connection import connect
from adapters.nats.names import (
    ADMIN,
    COORDINATION,
    DEADLETTER_STREAM,
    EVENTS_STREAM,
    coordination_consumer,
)
from adapters.nats.publisher import BatchPublisher, OutgoingMessage
from adapters.nats.server import free_port
from adapters.nats.settings import NatsSettings
from adapters.nats.testing import new_person_ref
from adapters.nats.workload import kommun_event
from adapters.outbox.translator import integration_event_id
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for
from domain.case.aggregate import Case
from services.coordination.consumer import PartitionConsumer
from services.runtime.clock import utc_now
from tests.waiting import eventually

PERSONS = 200
EVENTS_PER_PERSON = 25
HEALTHY_WITHIN_SECONDS = 60.0


class ServiceProcess:
    """``samlad serve <service>`` in a child process, on a free port."""

    def __init__(
        self, service: str, *, data_dir: Path, nats_url: str, label: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.service = service
        self.label = label or service
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._data_dir = data_dir
        elsewhere = ("SAMLAD_DATABASE_URL", "SAMLAD_DATABASE_NAMESPACE", "SAMLAD_PARTITIONS_OWNED")
        self._env = {k: v for k, v in os.environ.items() if k not in elsewhere} | {
            "SAMLAD_DATA_DIR": str(data_dir),
            "SAMLAD_NATS_URL": nats_url,
            "SAMLAD_NATS_REPLICAS": "1",
            "SAMLAD_LOG_LEVEL": "WARNING",
        } | (env or {})
        self._process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def _spawn(self) -> Path:
        self.starts += 1
        log = self.log_path
        with log.open("wb") as out:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "services.cli.main", "serve", self.service,
                 "--port", str(self.port)],
                env=self._env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        return log

    @property
    def log_path(self) -> Path:
        return self._data_dir / f"{self.label}-{self.starts}.log"

    async def start(self) -> Self:
        """Start (again) and wait until healthy."""
        log = self._spawn()
        async with httpx.AsyncClient(timeout=1.0) as client:

            async def healthy() -> bool:
                if self.process.poll() is not None:
                    raise AssertionError(f"{self.service} exited; see {log}")
                try:
                    return (await client.get(f"{self.url}/health")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(healthy, within=HEALTHY_WITHIN_SECONDS,
                             what=f"{self.service} healthy", poll=0.05)
        return self

    @property
    def process(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise RuntimeError("not started")
        return self._process

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no drain, no last commit."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> bool:
        """SIGTERM; whether the process shut down cleanly.

        uvicorn re-raises the signal once its graceful shutdown is done, so a clean
        stop ends with -SIGTERM as well as 0.
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30) in (0, -signal.SIGTERM)

    def ensure_stopped(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def kommun_messages(
    persons: int = PERSONS, per_person: int = EVENTS_PER_PERSON
) -> tuple[list[OutgoingMessage], dict[str, list[str]]]:
    """The messages a kommun outbox would publish, and each person's event ids.

    Every person is enrolled and then starts and ends interventions; persons are
    interleaved so every partition gets a share, each person's events in order.
    """
    start = datetime.now(UTC) - timedelta(days=1)
    ids: dict[str, list[str]] = {new_person_ref(): [] for _ in range(persons)}
    messages: list[OutgoingMessage] = []
    for index in range(per_person):
        at = start + timedelta(seconds=index)
        for person_ref, person_ids in ids.items():
            position = len(messages) + 1
            event = kommun_event(person_ref, index, at)
            spec = REGISTRY.spec("kommun", type(event))
            event_id = integration_event_id("reliability-kommun", position)
            payload = encode_structured(
                event, spec=spec, id=event_id, source="urn:samlad:kommun", time=at,
                position=position, previous_position=position - 1 or None,
            )
            headers = {"Nats-Msg-Id": event_id, "content-type": "application/cloudevents+json"}
            messages.append(OutgoingMessage(subject_for(spec, person_ref), payload, headers))
            person_ids.append(event_id)
    return messages, ids


async def stream_count(js: JetStreamContext) -> int:
    return int((await js.stream_info(EVENTS_STREAM)).state.messages)


async def coordination_idle(js: JetStreamContext, partitions: int) -> bool:
    """Every message delivered to the coordination consumers and acknowledged."""
    for partition in range(partitions):
        info = await js.consumer_info(EVENTS_STREAM, coordination_consumer(partition))
        if info.num_pending or info.num_ack_pending:
            return False
    return True


async def dead_letter_count(js: JetStreamContext) -> int:
    return int((await js.stream_info(DEADLETTER_STREAM)).state.messages)


@asynccontextmanager
async def consuming(
    settings: NatsSettings, app: Any, *, batch_size: int = 100
) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Every partition's coordination consumer on ``app``, in this process, until the end.

    The tasks are yielded so a test can tell a consumer that stopped with an error.
    """
    client = await connect(settings, COORDINATION)
    stop = asyncio.Event()
    js = client.jetstream(timeout=10)
    tasks = [
        asyncio.create_task(PartitionConsumer(
            js=js, application=app, partition=partition, clock=utc_now, batch_size=batch_size,
        ).run(stop))
        for partition in range(settings.partitions)
    ]
    try:
        yield tasks
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await client.close()


def applied_in_store(app: Any) -> int:
    """How many facts the coordination store holds, over all cases."""
    rows = app.process_recorder.query("SELECT COALESCE(SUM(facts), 0) AS n FROM {case_index}")
    return int(rows[0]["n"])


def assert_applied_exactly_once(app: Any, event_ids: dict[str, list[str]]) -> None:
    """Every case holds exactly its person's facts, none twice, nothing but facts and alerts."""
    index = {
        row["person_ref"]: row["facts"]
        for row in app.process_recorder.query("SELECT person_ref, facts FROM {case_index}")
    }
    assert index == {ref: len(ids) for ref, ids in event_ids.items()}
    for person_ref, ids in event_ids.items():
        events = list(app.events.get(Case.create_id(person_ref)))
        kinds = Counter(type(event).__name__ for event in events)
        recorded = [str(e.fact.event_id) for e in events if type(e).__name__ == "FactRecorded"]
        assert len(recorded) == len(set(recorded)), f"{person_ref}: a fact recorded twice"
        assert sorted(recorded) == sorted(ids)
        alerts = kinds["AlertRaised"] + kinds["AlertResolved"]
        assert kinds["Opened"] == 1
        assert set(kinds) <= {"Opened", "FactRecorded", "AlertRaised", "AlertResolved"}
        assert events[-1].originator_version == 1 + len(ids) + alerts


@asynccontextmanager
async def admin_and_kommun(
    settings: NatsSettings,
) -> AsyncIterator[tuple[JetStreamContext, BatchPublisher]]:
    """The operator's view of the streams, and a publisher under kommun's identity."""
    admin = await connect(settings, ADMIN)
    kommun = await connect(settings, "kommun")
    try:
        yield admin.jetstream(timeout=10), BatchPublisher(kommun.jetstream(timeout=10))
    finally:
        await kommun.close()
        await admin.close()


async def until_all_acked(
    js: JetStreamContext, tasks: list[asyncio.Task[None]], partitions: int, *, within: float
) -> None:
    """Wait until every delivery is acknowledged; fail if a consumer stopped meanwhile."""

    async def done() -> bool:
        assert not any(task.done() for task in tasks), "a consumer stopped"
        return await coordination_idle(js, partitions)

    await eventually(done, within=within, what="every delivery acknowledged", poll=0.05)
