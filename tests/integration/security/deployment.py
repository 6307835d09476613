"""The five services of one data dir on a real nats-server, in this process."""

from __future__ import annotations

import random
from contextlib import AsyncExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.auth.testing import auth_headers
from adapters.nats.testing import running_nats
from services.af.app import create_app as create_af
from services.coordination.service import create_app as create_coordination
from services.demo.personnummer import personnummer
from services.fk.app import create_app as create_fk
from services.kommun.app import create_app as create_kommun
from services.region.app import create_app as create_region
from services.settings import Settings
from tests.waiting import eventually

FACTORIES = {"kommun": create_kommun, "af": create_af, "fk": create_fk,
             "region": create_region, "coordination": create_coordination}


class Deployment(msgspec.Struct, kw_only=True):
    """One data dir's running services: ``clients[service]`` talks to its app."""

    settings: Settings
    apps: dict[str, Litestar]
    clients: dict[str, Any]


async def start(data_dir: Path, stack: AsyncExitStack) -> Deployment:
    nats = await stack.enter_async_context(running_nats(data_dir))
    settings = Settings(data_dir=data_dir, nats_url=nats.url, log_json=False,
                        log_level="WARNING")
    apps = {name: factory(settings) for name, factory in FACTORIES.items()}
    clients = {name: await stack.enter_async_context(AsyncTestClient(app))
               for name, app in apps.items()}
    return Deployment(settings=settings, apps=apps, clients=clients)




def new_personnummer() -> str:
    """A fresh, valid, made-up personnummer (its serial random, so tests never share one)."""
    rng = random.SystemRandom()
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
    return personnummer(born, rng.randrange(1000))


class Calls:
    """HTTP calls as a given principal; each answer checked for the expected status."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    async def call(self, service: str, method: str, path: str, *, agency: str | None,
                   role: str = "handlaggare", json: Any = None, status: int = 200) -> Any:
        response = await self.d.clients[service].request(
            method, path, json=json, headers=auth_headers(self.d.settings, agency, role))
        assert response.status_code == status, (path, response.status_code, response.text)
        return response.json()

    async def enrol(self, pnr: str) -> str:
        body = {"personnummer": pnr, "kommun": "Falun", "gender": "kvinna",
                "birth_year": 1990, "target_groups": ["ung"]}
        answer = await self.call("kommun", "POST", "/persons", agency="kommun", json=body,
                                 status=201)
        return str(answer["person_ref"])

    async def timeline(self, person_ref: str, *, agency: str | None,
                       role: str = "handlaggare") -> list[dict[str, Any]] | None:
        response = await self.d.clients["coordination"].get(
            f"/cases/{person_ref}/timeline",
            headers=auth_headers(self.d.settings, agency, role))
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    async def entry(self, person_ref: str, agency: str, kind: str, *,
                    viewer: str | None, role: str = "handlaggare") -> dict[str, Any]:
        """The first timeline entry of ``agency`` and ``kind``, once it has arrived."""
        async def found() -> dict[str, Any] | None:
            items = await self.timeline(person_ref, agency=viewer, role=role) or []
            return next((e for e in items if e["agency"] == agency and e["kind"] == kind),
                        None)

        entry = await eventually(found, what=f"{agency} {kind} on the timeline of {person_ref}")
        return dict(entry)
