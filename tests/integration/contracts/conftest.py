"""A real nats-server and the coordination service, seen from an integrator's side.

Samlad code here only starts the server and the coordination app and says where the
nkey seeds are (``<data_dir>/credentials/<agency>.nk``). Everything the tests send and
read on the bus goes through plain nats-py, as a system in another language would.
Tests share the server and the app and own their persons.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nats
import pytest
from litestar.testing import AsyncTestClient
from nats.aio.client import Client
from nats.js.api import RawStreamMsg

from adapters.auth.principal import Role
from adapters.auth.testing import auth_headers
from adapters.nats.testing import running_nats
from services.coordination.service import create_app
from services.settings import Settings
from tests.waiting import eventually

DEADLETTER_STREAM = "SAMLAD_DEADLETTER"  # docs/integrating.md, step 6


@dataclass
class Wire:
    """What an integrator is handed (a URL, a seed file per agency) and the case API."""

    url: str
    credentials_dir: Path
    http: AsyncTestClient[Any]  # the coordination app; its lifespan runs the consumers
    auth: dict[str, str]  # the case API wants a token (an auditor's: sees all details)
    clients: list[Client] = field(default_factory=list)

    def seed(self, agency: str) -> Path:
        return self.credentials_dir / f"{agency}.nk"

    async def connect(self, agency: str) -> Client:
        """The three settings of docs/integrating.md, step 2: URL, nkey seed, inbox prefix."""
        client = await nats.connect(
            self.url, nkeys_seed=str(self.seed(agency)), inbox_prefix=f"_INBOX_{agency}",
        )
        self.clients.append(client)
        return client

    async def case(self, person_ref: str) -> dict[str, Any] | None:
        response = await self.http.get(f"/cases/{person_ref}", headers=self.auth)
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    async def timeline(self, person_ref: str) -> list[dict[str, Any]]:
        response = await self.http.get(f"/cases/{person_ref}/timeline", headers=self.auth)
        if response.status_code == 404:
            return []
        assert response.status_code == 200, response.text
        return response.json()["items"]  # type: ignore[no-any-return]

    async def entry(self, person_ref: str, event_id: str) -> dict[str, Any] | None:
        """The timeline entry of one published event, once the case has applied it."""
        return next(
            (e for e in await self.timeline(person_ref) if e["event_id"] == event_id), None
        )

    async def applied(self, person_ref: str, event_id: str) -> dict[str, Any]:
        async def probe() -> dict[str, Any] | None:
            return await self.entry(person_ref, event_id)

        return await eventually(probe, what=f"event {event_id} in the case of {person_ref}")

    async def dead_letters(self, agency: str, person_ref: str) -> list[RawStreamMsg]:
        """Dead letters of ``agency`` whose original subject names ``person_ref``."""
        js = (await self._reader()).jetstream()
        info = await js.stream_info(DEADLETTER_STREAM)
        found = []
        for sequence in range(info.state.first_seq or 1, info.state.last_seq + 1):
            message = await js.get_msg(DEADLETTER_STREAM, seq=sequence)
            headers = message.headers or {}
            original = headers.get("Samlad-Original-Subject", "")
            verdict = f"samlad.deadletter.{agency}.coordination"
            if message.subject == verdict and person_ref in original:
                found.append(message)
        return found

    async def dead_lettered(self, agency: str, person_ref: str, count: int = 1) -> list[
        RawStreamMsg
    ]:
        async def probe() -> list[RawStreamMsg]:
            letters = await self.dead_letters(agency, person_ref)
            return letters if len(letters) >= count else []

        return await eventually(probe, what=f"{count} dead letter(s) for {person_ref}")

    async def stored(self, stream: str, sequence: int) -> RawStreamMsg:
        """One message as the stream holds it (read by sequence, like any tool would)."""
        return await (await self._reader()).jetstream().get_msg(stream, seq=sequence)

    async def _reader(self) -> Client:
        # The operator's view of the streams, read by sequence (an agency reads its own
        # dead letters through its durable consumer; tests/integration/security shows that).
        if not hasattr(self, "_admin"):
            self._admin = await self.connect("admin")
        return self._admin


@pytest.fixture(scope="module")
async def wire(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Wire]:
    data_dir = tmp_path_factory.mktemp("contracts-wire")
    async with running_nats(data_dir) as server:
        settings = Settings(data_dir=data_dir, nats_url=server.url, log_json=False)
        async with AsyncTestClient(create_app(settings)) as http:
            wire = Wire(
                url=server.url, credentials_dir=server.settings.credentials_dir, http=http,
                auth=auth_headers(settings, None, Role.AUDITOR),
            )
            try:
                yield wire
            finally:
                for client in wire.clients:
                    await client.close()


@pytest.fixture
def person_ref() -> str:
    """``p`` + 26 lowercase base32 characters, the shape the guide gives (stdlib only)."""
    return "p" + base64.b32encode(secrets.token_bytes(20)).decode().lower()[:26]
