"""A running `samlad up` for the browser tests, and the agencies' APIs it serves.

`samlad up` runs as a child process on free ports, as a user starts it; facts are made
by calling the agency APIs over HTTP with each agency's bearer token, back-dated with
``effective_at`` so the gap rules fire at once.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from adapters.auth.testing import auth_headers
from adapters.nats.server import free_port
from services.settings import SERVICES

START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0

Json = dict[str, Any]


def days_ago(days: int) -> str:
    """Midnight UTC ``days`` ago: business facts are mostly whole days."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today - timedelta(days=days)).isoformat()


def new_personnummer() -> str:
    """A random well-formed personnummer (Luhn check digit), so each test owns its person."""
    digits = f"19{random.randint(50, 99)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
    digits += f"{random.randint(0, 999):03d}"
    short = digits[2:]
    total = 0
    for index, char in enumerate(short):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return f"{digits[:8]}-{digits[8:]}{(10 - total % 10) % 10}"


class Samlad:
    """A running `samlad up`: its process, data dir and the URL of each service."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.urls: dict[str, str] = {}
        ports = [a for s in SERVICES for a in (f"--{s}-port", str(free_port()))]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAMLAD_")}
        log = (data_dir.parent / "samlad-up.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "up", "--data-dir", str(data_dir),
             *ports],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True,
            env=env | {"SAMLAD_LOG_LEVEL": "WARNING"},
        )
        log.close()
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                raise RuntimeError(f"samlad up exited with {self.process.wait()}")
            if line.startswith("samlad is up"):
                return
            name, _, url = line.partition(" ")
            if url.startswith("http"):
                self.urls[name] = url
        raise TimeoutError(f"samlad up was not up within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

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

    def accept(self, ref: str, receiver: str, hand_off_id: str) -> None:
        """Accept once the hand-off has reached the receiver (it travels over NATS)."""
        url = f"{self.samlad.urls[receiver]}/persons/{ref}"
        deadline = time.monotonic() + 15.0
        while time.monotonic() < deadline:
            response = self.client.get(url, headers=auth_headers(self.samlad, receiver))
            if response.status_code == 200 and hand_off_id in response.json().get(
                "incoming_hand_offs", {}
            ):
                self.post(receiver, f"/persons/{ref}/hand-offs/{hand_off_id}/accept", {})
                return
            time.sleep(0.05)  # polling a condition with a deadline, not waiting blindly
        raise TimeoutError(f"hand-off {hand_off_id} never reached {receiver}")
