"""Four agency services on one real nats-server, driven over HTTP, read back from the stream.

``Agencies`` holds one in-process app per agency (their NATS workers running: outbox
relay and incoming hand-offs) and an admin JetStream client that reads what they
published. Tests share it per module and own their persons (a fresh personnummer each).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from litestar.testing import AsyncTestClient
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from adapters.auth.testing import auth_headers
from adapters.crypto import FieldSealer, PersonKeyStore
from adapters.nats.connection import connect
from adapters.nats.names import ADMIN
from adapters.nats.testing import running_nats
from contracts.base import IntegrationEvent
from contracts.envelope import Received, decode_message
from contracts.subjects import EVENTS_STREAM
from services.af.app import create_app as create_af
from services.demo.personnummer import personnummer
from services.fk.app import create_app as create_fk
from services.kommun.app import create_app as create_kommun
from services.region.app import create_app as create_region
from services.settings import Settings
from tests.waiting import WAIT_SECONDS

FACTORIES = {"kommun": create_kommun, "af": create_af, "fk": create_fk, "region": create_region}

E = TypeVar("E", bound=IntegrationEvent)


def event_as(received: Received, kind: type[E]) -> E:
    """The event of ``received``, asserted to be the contract class ``kind``."""
    event = received.event
    assert isinstance(event, kind), event
    return event


# Unique within the test process: a birth date and serial per person, never a collision.
_serials = itertools.count(random.randrange(1000, 50_000))


def new_personnummer() -> str:
    n = next(_serials)
    return personnummer(date(1960, 1, 1) + timedelta(days=n // 1000), n % 1000)


class Published:
    """The events published about one person, in stream order (an ephemeral consumer)."""

    def __init__(self, js: JetStreamContext, person_ref: str) -> None:
        self._js = js
        self._person_ref = person_ref
        self._subscription: JetStreamContext.PullSubscription | None = None
        self.received: list[Received] = []

    async def at_least(self, count: int, seconds: float = WAIT_SECONDS) -> list[Received]:
        if self._subscription is None:
            self._subscription = await self._js.pull_subscribe(
                f"samlad.*.*.*.{self._person_ref}.*", stream=EVENTS_STREAM,
                config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL,
                                      inactive_threshold=30.0),
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(self.received) < count and loop.time() < deadline:
            try:
                messages = await self._subscription.fetch(100, timeout=0.5)
            except TimeoutError:
                continue
            for message in messages:
                self.received.append(decode_message(message.data, message.headers))
                await message.ack()
        return list(self.received)

    async def types(self, count: int) -> list[str]:
        """``agency:name`` of the first events, once ``count`` have arrived."""
        return [f"{r.spec.agency}:{r.spec.name}" for r in await self.at_least(count)]

    async def close(self) -> None:
        if self._subscription is not None:
            await self._subscription.unsubscribe()


class Agencies:
    """HTTP clients of the four agencies and a reader of what they published."""

    def __init__(
        self, clients: dict[str, httpx.AsyncClient], js: JetStreamContext, data_dir: Path
    ) -> None:
        self.clients = clients
        self.js = js
        self._sealer = FieldSealer(PersonKeyStore.in_data_dir(data_dir))
        self._published: list[Published] = []

    def __getitem__(self, agency: str) -> httpx.AsyncClient:
        return self.clients[agency]

    async def person(self, agency: str, **enrolment: Any) -> str:
        """A new person known to ``agency`` (kommun: enrolled at the AME)."""
        if agency == "kommun":
            body = {"personnummer": new_personnummer(), "kommun": "Falun", "gender": "kvinna",
                    "birth_year": 1990, "target_groups": ["ung"]} | enrolment
        else:
            body = {"personnummer": new_personnummer()}
        response = await self.clients[agency].post("/persons", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["person_ref"])

    async def identify(self, agency: str, person_ref: str, pnr: str) -> None:
        response = await self.clients[agency].post("/persons", json={"personnummer": pnr})
        assert response.json()["person_ref"] == person_ref

    def text(self, person_ref: str, value: str) -> str:
        """Free text as published (sealed under the person's key), opened again."""
        return self._sealer.open(person_ref, value)

    def published(self, person_ref: str) -> Published:
        reader = Published(self.js, person_ref)
        self._published.append(reader)
        return reader

    async def close(self) -> None:
        for reader in self._published:
            await reader.close()


@asynccontextmanager
async def running_agencies(data_dir: Path) -> AsyncIterator[Agencies]:
    """A nats-server and the four agency services on it, until the block ends."""
    async with running_nats(data_dir) as nats, AsyncExitStack() as stack:
        settings = Settings(data_dir=data_dir, nats_url=nats.url, log_json=False,
                            log_level="WARNING")
        clients: dict[str, httpx.AsyncClient] = {
            agency: await stack.enter_async_context(AsyncTestClient(factory(settings)))
            for agency, factory in FACTORIES.items()
        }
        for agency, client in clients.items():
            # Each client acts as a case worker (handläggare) of its own agency.
            client.headers.update(auth_headers(settings, agency))
        admin = await connect(nats.settings, ADMIN)
        stack.push_async_callback(admin.close)
        agencies = Agencies(clients, admin.jetstream(), data_dir)
        stack.push_async_callback(agencies.close)
        yield agencies


def named_fields(body: dict[str, Any]) -> set[str]:
    """The fields a problem names: ``invalid_params`` (rules) or ``extra`` (validation)."""
    names = {str(p["name"]) for p in body.get("invalid_params") or []}
    extra = body.get("extra")
    for item in extra if isinstance(extra, list) else []:
        key = str(item.get("key", ""))
        if key != "data":
            names.update({key, re.split(r"[\[.]", key)[0]})  # to_agencies[0] → to_agencies
        # An unknown field is reported on the whole body, named in backticks.
        names.update(re.findall(r"`([^`]+)`", str(item.get("message", ""))))
    return names


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None
) -> dict[str, Any]:
    """An RFC 9457 answer with ``status``, naming ``field`` as what was wrong."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    if field is not None:
        assert field in named_fields(body), body
    return body
