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
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Self, TypeVar

import httpx
from nats.js import JetStreamContext

from adapters.nats.names import EVENTS_STREAM, coordination_consumer
from adapters.nats.publisher import OutgoingMessage
from adapters.nats.server import free_port
from adapters.nats.testing import new_person_ref
from adapters.nats.workload import kommun_event
from adapters.outbox.translator import integration_event_id
from contracts.envelope import encode_structured
from contracts.registry import REGISTRY
from contracts.subjects import subject_for

PERSONS = 200
EVENTS_PER_PERSON = 25
HEALTHY_WITHIN_SECONDS = 60.0

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T]], *, within: float, what: str, poll: float = 0.02
) -> T:
    """The first truthy result of ``check``; fails naming ``what`` after ``within`` s."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(poll)


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
