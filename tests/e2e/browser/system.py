"""A running `samlad up` for the browser tests, and the agencies' APIs it serves.

`samlad up` runs as a child process on free ports, as a user starts it; facts are made
by calling the agency APIs over HTTP with each agency's bearer token, back-dated with
``effective_at`` so the gap rules fire at once.
"""

from __future__ import annotations

import os
import random
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from adapters.auth.testing import auth_headers
from services.cli.testing import RunningSamlad
from services.demo.personnummer import random_personnummer

Json = dict[str, Any]
ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / os.environ.get("SAMLAD_SCREENSHOTS", "build/screenshots")
"""Where the browser tests save screenshots; `make screenshots` points it at docs/."""
LIVE_TIMEOUT_MS = 15_000


def days_ago(days: int) -> str:
    """Midnight UTC ``days`` ago: business facts are mostly whole days."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today - timedelta(days=days)).isoformat()


def new_personnummer() -> str:
    """A random well-formed personnummer, so each test owns its person."""
    return random_personnummer(random.Random(), birth_year=random.randint(1950, 1999))


def log_in(page: Any, samlad: Samlad, agency: str) -> None:
    """The development login, as a case worker of ``agency``."""
    page.goto(f"{samlad.ui}/login")
    page.get_by_label("Myndighet").select_option(agency)
    page.get_by_label("Roll").select_option("handlaggare")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/ui$"))


class Samlad(RunningSamlad):
    """A running `samlad up` for the browser: the UI's address besides the services'."""

    @property
    def ui(self) -> str:
        return f"{self.urls['coordination']}/ui"


class Agencies:
    """The four agency APIs, each called with its own case worker's token."""

    def __init__(self, samlad: Samlad) -> None:
        self.samlad = samlad
        self.client = httpx.Client(timeout=10.0)

    def close(self) -> None:
        self.client.close()

    def post(self, agency: str, path: str, body: Json) -> Json:
        response = self.client.post(
            f"{self.samlad.urls[agency]}{path}", json=body,
            headers=auth_headers(self.samlad, agency),
        )
        assert response.status_code in (200, 201), response.text
        return response.json()  # type: ignore[no-any-return]

    def enrol(self, kommun: str, enrolled_days_ago: int) -> tuple[str, str]:
        """A new person enrolled at the kommun's AME; (personnummer, person_ref)."""
        personnummer = new_personnummer()
        ref = self.post("kommun", "/persons", {
            "personnummer": personnummer, "kommun": kommun, "gender": "kvinna",
            "birth_year": 1990, "effective_at": days_ago(enrolled_days_ago),
        })["person_ref"]
        return personnummer, str(ref)

    def hand_off(self, ref: str, sender: str, receiver: str, reason: str, days: int) -> str:
        return str(self.post(sender, f"/persons/{ref}/hand-offs", {
            "to_agency": receiver, "reason": reason, "effective_at": days_ago(days),
        })["ids"]["hand_off_id"])

    def accept(
        self, ref: str, receiver: str, hand_off_id: str, days: int | None = None
    ) -> None:
        """Accept once the hand-off has reached the receiver (it travels over NATS),
        ``days`` ago (now when None)."""
        body = {} if days is None else {"effective_at": days_ago(days)}
        self.answer(ref, receiver, hand_off_id, "accept", body)

    def reject(self, ref: str, receiver: str, hand_off_id: str, reason: str) -> None:
        """Reject, with ``reason``, once the hand-off has reached the receiver."""
        self.answer(ref, receiver, hand_off_id, "reject", {"reason": reason})

    def answer(
        self, ref: str, receiver: str, hand_off_id: str, verb: str, body: Json
    ) -> None:
        url = f"{self.samlad.urls[receiver]}/persons/{ref}"
        deadline = time.monotonic() + 15.0
        while time.monotonic() < deadline:
            response = self.client.get(url, headers=auth_headers(self.samlad, receiver))
            if response.status_code == 200 and hand_off_id in response.json().get(
                "incoming_hand_offs", {}
            ):
                self.post(receiver, f"/persons/{ref}/hand-offs/{hand_off_id}/{verb}", body)
                return
            time.sleep(0.05)  # polling a condition with a deadline, not waiting blindly
        raise TimeoutError(f"hand-off {hand_off_id} never reached {receiver}")
