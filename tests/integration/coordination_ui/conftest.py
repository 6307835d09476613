"""The UI on a coordination store of its own (SQLite), served by uvicorn on loopback.

Facts go straight into the CoordinationApplication, as the partition consumer would
put them; no NATS is needed to test what the pages show.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from litestar import Litestar

from adapters.auth.testing import auth_headers
from adapters.nats.server import free_port
from adapters.pseudonym import Pseudonymiser
from domain.agencies import Agency, Gender
from domain.case import facts as f
from services.coordination.application import CoordinationApplication
from services.coordination.live import Broadcaster
from services.coordination.service import open_coordination
from services.coordination.ui import template_config, ui_router
from services.settings import Settings

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
_ids = itertools.count(1)


def fact_base(agency: Agency, days_before: int, summary: str, **extra: Any) -> dict[str, Any]:
    at = NOW - timedelta(days=days_before)
    return {"event_id": f"ui-{next(_ids)}", "agency": agency, "effective_at": at,
            "recorded_at": at, "summary": summary, **extra}


def enrolled(days_before: int, kommun: str = "Lund") -> f.PersonEnrolled:
    return f.PersonEnrolled(**fact_base(Agency.KOMMUN, days_before, "Inskriven vid AME"),
                            kommun=kommun, gender=Gender.WOMAN, birth_year=1990)


def handed_off(days_before: int, reason: str, to: Agency = Agency.AF) -> f.HandOffRequested:
    return f.HandOffRequested(
        **fact_base(Agency.KOMMUN, days_before, f"Överlämning begärd till {to}",
                    details={"orsak": reason}, scope="socialtjanst"),
        hand_off_id=f"h-{next(_ids)}", to_agency=to)


@dataclass
class UI:
    app: CoordinationApplication
    settings: Settings
    url: str
    pseudonymiser: Pseudonymiser

    def record(self, person_ref: str, *facts: f.Fact) -> None:
        self.app.ingest(((person_ref, fact) for fact in facts), now=NOW)

    def person(self, personnummer: str) -> str:
        return self.pseudonymiser.person_ref(personnummer)

    def client(self, agency: str | None, role: str = "handlaggare") -> httpx.Client:
        """A browser-like client: the dev login's cookie, redirects not followed."""
        role = "auditor" if agency is None and role == "handlaggare" else role
        token = auth_headers(self.settings, agency, role)["Authorization"].split(" ", 1)[1]
        return httpx.Client(base_url=self.url, cookies={"samlad_token": token}, timeout=10)


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UI]:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("ui")))
    app = open_coordination(settings)
    live = Broadcaster()
    app.after_commit["live"] = live.notify
    web = Litestar(route_handlers=[ui_router(app, settings, live, lambda: NOW)],
                   template_config=template_config())
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)  # polling the server's own started flag, with a deadline
    try:
        yield UI(app=app, settings=settings, url=f"http://127.0.0.1:{port}",
                 pseudonymiser=Pseudonymiser.from_file(settings.pseudonym_key_file))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.close()
